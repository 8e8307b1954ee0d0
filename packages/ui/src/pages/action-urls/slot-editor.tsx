import { useRef, useState } from 'react';
import { ACTION_LABELS, ACTIONS, type Action, type DeliveryRecord, type MaskedSlot } from '@callhook/core';
import { errorMessage } from '../../client/client-error.js';
import type { EngineClient } from '../../client/engine-client.js';
import { DeliveryOptions } from './delivery-options.js';
import { PlaceholderInput } from './placeholder-input.js';
import { sampleCallFor } from './sample-call.js';
import { previewTemplate } from './template-preview.js';

export interface SlotEditorProps {
  index: number;
  slot: MaskedSlot;
  onChange(slot: MaskedSlot): void;
  onDelete(): void;
  client: EngineClient;
}

type TestState = { kind: 'idle' } | { kind: 'running' } | { kind: 'done'; record: DeliveryRecord } | { kind: 'failed'; message: string };

function describeRecord(record: DeliveryRecord): string {
  const status = record.status === null ? '' : ` HTTP ${record.status}`;
  const error = record.error ? ` — ${record.error}` : '';
  return `${record.outcome}${status} in ${record.latencyMs} ms${error}`;
}

/** One Action URL slot: its event, URL with completion, live preview, switches and a test. */
export function SlotEditor({ index, slot, onChange, onDelete, client }: SlotEditorProps) {
  const base = `slot-${index + 1}`;
  const inputRef = useRef<HTMLInputElement | null>(null);
  const [test, setTest] = useState<TestState>({ kind: 'idle' });
  const preview = previewTemplate(slot.url, slot.on, slot.maxValueLength);
  const update = (patch: Partial<MaskedSlot>) => onChange({ ...slot, ...patch });

  const goToError = (offset: number) => {
    inputRef.current?.focus();
    inputRef.current?.setSelectionRange(offset, offset + 1);
  };

  const runTest = async () => {
    setTest({ kind: 'running' });
    try {
      // The index lets the engine fill in the secrets this slot shows as set.
      const record = await client.testSlot({ slot, index, action: slot.on, call: sampleCallFor(slot.on) });
      setTest({ kind: 'done', record });
    } catch (error) {
      setTest({ kind: 'failed', message: errorMessage(error) });
    }
  };

  return (
    <fieldset className="slot" aria-labelledby={`${base}-legend`}>
      <legend id={`${base}-legend`}>Action URL {index + 1}</legend>
      <div className="row">
        <label htmlFor={`${base}-on`}>Event</label>
        <select id={`${base}-on`} value={slot.on} onChange={(e) => update({ on: e.target.value as Action })}>
          {ACTIONS.map((action) => (
            <option key={action} value={action}>
              {ACTION_LABELS[action]}
            </option>
          ))}
        </select>
      </div>
      <div className="row">
        <label htmlFor={`${base}-url`}>{ACTION_LABELS[slot.on]} - Enter your Action URL</label>
        <PlaceholderInput
          id={`${base}-url`}
          value={slot.url}
          onChange={(url) => update({ url })}
          invalid={preview.kind === 'error'}
          describedBy={`${base}-preview`}
          inputRef={inputRef}
        />
      </div>
      <div id={`${base}-preview`} className="preview" aria-live="polite">
        {preview.kind === 'ok' && (
          <p>
            <span className="muted">Preview with the sample call: </span>
            <output className="preview-url">{preview.url}</output>
          </p>
        )}
        {preview.kind === 'error' && (
          <div className="template-error" role="alert">
            <p>
              Error at position {preview.offset + 1}: {preview.reason}{' '}
              <button type="button" className="link" onClick={() => goToError(preview.offset)}>
                Go to error
              </button>
            </p>
            <pre aria-hidden="true">{preview.excerpt}</pre>
          </div>
        )}
      </div>
      <div className="switches">
        <label>
          <input type="checkbox" checked={slot.active} onChange={(e) => update({ active: e.target.checked })} /> Activate this Action URL
        </label>
        <label>
          <input type="checkbox" checked={slot.openInBrowser} onChange={(e) => update({ openInBrowser: e.target.checked })} /> Show this Action URL in your
          standard web browser
        </label>
        <button type="button" onClick={runTest} disabled={preview.kind !== 'ok' || test.kind === 'running'} aria-describedby={`${base}-test`}>
          Test Action URL {index + 1}
        </button>
        <button type="button" onClick={onDelete} disabled={slot.url === '' && !slot.active && !slot.openInBrowser}>
          Delete Action URL {index + 1}
        </button>
        <span id={`${base}-test`} role="status" className={test.kind === 'failed' ? 'bad' : undefined}>
          {test.kind === 'running' && 'Sending…'}
          {test.kind === 'done' && `Test: ${describeRecord(test.record)}`}
          {test.kind === 'failed' && `Test failed: ${test.message}`}
        </span>
      </div>
      {/* After the switches, so the slot's own fields keep their tab order: URL, then Activate. */}
      <DeliveryOptions base={base} number={index + 1} slot={slot} update={update} />
    </fieldset>
  );
}

import { useEffect, useState } from 'react';
import type { LineSettings } from '@callhook/core';
import { lineStateText } from '../../app/line-status.js';
import { errorMessage } from '../../client/client-error.js';
import type { EngineClient, LineReport, LineType } from '../../client/engine-client.js';
import { ApplyBar } from '../../components/apply-bar.js';
import type { LineView } from '../../state/engine-state.js';
import { useSettingsSection } from '../../state/use-settings-section.js';
import { freeLineId, newLine, type JsonSchema } from './field-kind.js';
import { PhoneSetup } from './phone-setup.js';
import { SchemaField } from './schema-field.js';

/**
 * Whether a line gets "Set up phone": a running line as the engine reports it (`setup`, declared by its
 * plugin); a line not running yet as its type does (`GET /api/v1/line-types` → `setup`), so the button
 * can say to apply it first. Never decided by the type's name.
 */
export function offersSetup(report: Pick<LineReport, 'setup'> | null, type: Pick<LineType, 'setup'> | undefined): boolean {
  return report ? report.setup === true : type?.setup === true;
}

/** Fields the page shows itself (the line's id) or that never change (its type). */
const OWN_FIELDS = new Set(['type', 'id']);

export interface LinesPageProps {
  client: EngineClient;
  /** The lines' statuses from the live events (newest); the page also asks the engine which lines run. */
  live?: readonly LineView[];
}

/**
 * Every line of the instance (SIP account, transport, registrar, codecs, … as its type defines them),
 * edited through a form built from each line type's JSON Schema: the engine publishes the schemas, so
 * a new line type needs no console change. Secret fields are write-only. Each line shows whether it
 * runs and its status (a failing one says what to fix); a line whose plugin gives setup text (a desk
 * phone) has "Set up phone" (`offersSetup`).
 */
export function LinesPage({ client, live = [] }: LinesPageProps) {
  const section = useSettingsSection(client, 'lines');
  const [running, setRunning] = useState<LineReport[] | null>(null);
  const applied = section.feedback?.kind === 'saved' ? section.feedback : null;
  // Counts Applies: a setup text shown before one may be stale (a new password or url changes the event URLs).
  const [generation, setGeneration] = useState(0);
  // Which lines run: on opening the page and after each Apply (an applied line starts, a removed one stops).
  useEffect(() => {
    let current = true;
    if (applied) setGeneration((n) => n + 1);
    client.getLines?.().then(
      (lines) => current && setRunning(lines),
      () => current && setRunning(null),
    );
    return () => {
      current = false;
    };
  }, [client, applied]);
  const [types, setTypes] = useState<LineType[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [addType, setAddType] = useState('');
  useEffect(() => {
    let live = true;
    if (!client.getLineTypes) {
      setProblem('This console cannot read the line types from this engine; edit the lines in the settings file.');
      return;
    }
    client.getLineTypes().then(
      (list) => {
        if (!live) return;
        setTypes(list);
        setAddType(list[0]?.type ?? '');
      },
      (error: unknown) => live && setProblem(`could not load the line types: ${errorMessage(error)}`),
    );
    return () => {
      live = false;
    };
  }, [client]);

  const { draft } = section;
  if (problem) return <p role="status">{problem}</p>;
  if (draft === null || types === null) return <p role="status">{section.feedback?.message ?? 'Loading lines…'}</p>;
  const typeOf = (type: string) => types.find((t) => t.type === type);
  const setLine = (index: number, line: LineSettings) => section.setDraft((lines) => lines.map((l, i) => (i === index ? line : l)));
  const issues = section.feedback?.kind === 'error' ? section.feedback.issues : [];

  return (
    <form
      className="page"
      aria-labelledby="lines-title"
      onSubmit={(event) => {
        event.preventDefault();
        void section.apply();
      }}
    >
      <h1 id="lines-title">Lines</h1>
      <p className="muted">Each line is a phone account (or a simulated one). A change to a line with a call on it waits for a restart; Apply says which.</p>
      {draft.map((line, index) => {
        const type = typeOf(line.type);
        const schema = (type?.schema ?? {}) as JsonSchema;
        const base = `line-${index + 1}`;
        return (
          <fieldset key={index} className="slot" aria-labelledby={`${base}-legend`}>
            <legend id={`${base}-legend`}>
              Line {line.id} ({line.type})
            </legend>
            <div className="row">
              <label htmlFor={`${base}-id`}>Line id</label>
              <input id={`${base}-id`} value={line.id} onChange={(e) => setLine(index, { ...line, id: e.target.value })} />
            </div>
            <LineRunState
              type={line.type}
              report={running?.find((r) => r.id === line.id) ?? null}
              live={live.find((l) => l.id === line.id) ?? null}
              known={running !== null}
            />
            {!type && <p className="bad">This edition has no line type "{line.type}".</p>}
            {offersSetup(running?.find((r) => r.id === line.id) ?? null, type) && (
              <PhoneSetup key={`${line.id}#${generation}`} client={client} lineId={line.id} unapplied={section.dirty} />
            )}
            {Object.entries(schema.properties ?? {})
              .filter(([name]) => !OWN_FIELDS.has(name))
              .map(([name, field]) => (
                <SchemaField
                  key={name}
                  id={`${base}-${name}`}
                  name={name}
                  schema={field}
                  secret={type?.secrets.includes(name) ?? false}
                  value={(line as Record<string, unknown>)[name]}
                  path={`lines[${index}].${name}`}
                  issues={issues}
                  required={schema.required?.includes(name) ?? false}
                  onChange={(value) => {
                    const next: Record<string, unknown> = { ...line, [name]: value };
                    if (value === undefined) delete next[name];
                    setLine(index, next as LineSettings);
                  }}
                />
              ))}
            <button type="button" onClick={() => section.setDraft((lines) => lines.filter((_, i) => i !== index))} disabled={draft.length === 1}>
              Remove line {line.id}
            </button>
          </fieldset>
        );
      })}
      <div className="row inline">
        <label htmlFor="new-line-type">New line of type</label>
        <select id="new-line-type" value={addType} onChange={(e) => setAddType(e.target.value)}>
          {types.map((t) => (
            <option key={t.type} value={t.type}>
              {t.type}
            </option>
          ))}
        </select>
        <button
          type="button"
          disabled={addType === ''}
          onClick={() =>
            section.setDraft((lines) => [
              ...lines,
              newLine(addType, freeLineId(lines.map((l) => l.id)), (typeOf(addType)?.schema ?? {}) as JsonSchema) as LineSettings,
            ])
          }
        >
          Add line
        </button>
      </div>
      <ApplyBar dirty={section.dirty} saving={section.saving} feedback={section.feedback} onDiscard={section.discard} />
    </form>
  );
}

interface LineRunStateProps {
  type: string;
  /** The line as the engine last listed it; null when it does not run (not applied yet, or renamed). */
  report: LineReport | null;
  /** Its latest status from the live events, if one came. */
  live: LineView | null;
  /** Whether the engine said which lines run (false: this engine does not report them). */
  known: boolean;
}

/** Whether a line runs and its status in words, with the engine's detail (a failing line's detail names the fix). */
function LineRunState({ type, report, live, known }: LineRunStateProps) {
  if (!known) return null;
  if (!report) return <p className="muted line-run-state">Not running: Apply to start this line.</p>;
  const status = live?.status ?? report.status;
  return (
    <p className={`line-run-state line-${status.state}`}>
      Status: <strong>{lineStateText(status.state, type)}</strong>
      {status.detail && <> — {status.detail}</>}
    </p>
  );
}

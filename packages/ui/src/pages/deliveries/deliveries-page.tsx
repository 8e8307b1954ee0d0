import { useMemo, useState } from 'react';
import { ACTION_LABELS, ACTIONS, type Action, type DeliveryRecord } from '@callhook/core';
import { isTestDelivery } from '@callhook/server/contract';
import { errorMessage } from '../../client/client-error.js';
import type { EngineClient } from '../../client/engine-client.js';
import { downloadText, exportName, toCsv } from '../../components/export-file.js';
import { mergeDeliveries } from '../../state/engine-state.js';
import { DELIVERY_COLUMNS, filterDeliveries, GOOD_OUTCOMES, NO_FILTER, pageOf, shortUrl, type DeliveryFilter } from './delivery-filter.js';

/** Rows per page of the delivery log. */
export const PAGE_SIZE = 50;
/** The most the log loads from the engine on "Load older" (the API's largest `limit`). */
export const LOAD_LIMIT = 1_000;

/**
 * Every delivery attempt, newest first: filters (outcome, slot, event, call, tests), search, paging,
 * export as CSV or JSON, and a replay for each. Live records arrive through `deliveries`; "Load older"
 * fetches up to LOAD_LIMIT from the journal.
 */
export function DeliveriesPage({ client, deliveries }: { client: EngineClient; deliveries: DeliveryRecord[] }) {
  const [message, setMessage] = useState<{ bad: boolean; text: string } | null>(null);
  const [older, setOlder] = useState<DeliveryRecord[]>([]);
  const [filter, setFilter] = useState<DeliveryFilter>(NO_FILTER);
  const [page, setPage] = useState(1);
  const all = useMemo(() => mergeDeliveries(older, deliveries, Number.MAX_SAFE_INTEGER), [older, deliveries]);
  const shown = useMemo(() => filterDeliveries(all, filter), [all, filter]);
  const current = pageOf(shown, page, PAGE_SIZE);
  const slots = [...new Set(all.map((r) => r.slot))].sort((a, b) => a - b);
  const change = (patch: Partial<DeliveryFilter>) => {
    setFilter({ ...filter, ...patch });
    setPage(1);
  };

  const replay = async (record: DeliveryRecord) => {
    try {
      const result = await client.replayDelivery(record.deliveryId);
      setMessage({ bad: !GOOD_OUTCOMES.has(result.outcome), text: `Replayed Action URL ${record.slot + 1}: ${result.outcome}` });
    } catch (error) {
      setMessage({ bad: true, text: `Replay failed: ${errorMessage(error)}` });
    }
  };
  const loadOlder = async () => {
    try {
      setOlder(await client.getDeliveries({ limit: LOAD_LIMIT }));
    } catch (error) {
      setMessage({ bad: true, text: `Could not load older deliveries: ${errorMessage(error)}` });
    }
  };
  const exportAs = (kind: 'csv' | 'json') => {
    const at = new Date();
    if (kind === 'csv') downloadText(exportName('deliveries', 'csv', at), 'text/csv', toCsv(shown, DELIVERY_COLUMNS));
    else downloadText(exportName('deliveries', 'json', at), 'application/json', JSON.stringify(shown, null, 2));
  };

  return (
    <div className="page" aria-labelledby="deliveries-title">
      <h1 id="deliveries-title">Deliveries</h1>
      <p role="status" aria-live="polite" className={message?.bad ? 'bad' : 'muted'}>
        {message?.text}
      </p>
      <form className="filters" role="search" aria-label="Filter deliveries" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search <input type="search" value={filter.search} onChange={(e) => change({ search: e.target.value })} placeholder="URL, error, call, status" />
        </label>
        <label>
          Outcome{' '}
          <select value={filter.outcome} onChange={(e) => change({ outcome: e.target.value as DeliveryFilter['outcome'] })}>
            <option value="all">all</option>
            <option value="failed">failed only</option>
            <option value="good">delivered</option>
          </select>
        </label>
        <label>
          Slot{' '}
          <select value={filter.slot ?? ''} onChange={(e) => change({ slot: e.target.value === '' ? null : Number(e.target.value) })}>
            <option value="">all</option>
            {slots.map((slot) => (
              <option key={slot} value={slot}>
                Action URL {slot + 1}
              </option>
            ))}
          </select>
        </label>
        <label>
          Event{' '}
          <select value={filter.action ?? ''} onChange={(e) => change({ action: e.target.value === '' ? null : (e.target.value as Action) })}>
            <option value="">all</option>
            {ACTIONS.map((action) => (
              <option key={action} value={action}>
                {ACTION_LABELS[action]}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={filter.hideTests} onChange={(e) => change({ hideTests: e.target.checked })} /> Hide tests
        </label>
        {filter.call !== null && (
          <button type="button" onClick={() => change({ call: null })}>
            Show every call (now: {filter.call.slice(0, 13)}…)
          </button>
        )}
      </form>
      <div className="toolbar">
        <span className="muted">
          {shown.length} of {all.length} deliveries
        </span>
        <button type="button" onClick={() => exportAs('csv')} disabled={shown.length === 0}>
          Export CSV
        </button>
        <button type="button" onClick={() => exportAs('json')} disabled={shown.length === 0}>
          Export JSON
        </button>
        <button type="button" onClick={() => void loadOlder()}>
          Load older
        </button>
      </div>
      {all.length === 0 ? (
        <p className="muted">No Action URL has been sent yet.</p>
      ) : shown.length === 0 ? (
        <p className="muted">No delivery matches these filters.</p>
      ) : (
        <table className="deliveries reflow">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Slot</th>
              <th scope="col">Event</th>
              <th scope="col">URL</th>
              <th scope="col">Attempt</th>
              <th scope="col">Status</th>
              <th scope="col">Response</th>
              <th scope="col">Latency</th>
              <th scope="col">Error</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {current.items.map((record) => (
              <DeliveryRow key={`${record.deliveryId}#${record.attempt}#${record.at}`} record={record} onReplay={replay} onCall={(call) => change({ call })} />
            ))}
          </tbody>
        </table>
      )}
      {current.pages > 1 && (
        <nav className="pager" aria-label="Delivery pages">
          <button type="button" onClick={() => setPage(current.page - 1)} disabled={current.page === 1}>
            Newer
          </button>
          <span>
            Page {current.page} of {current.pages}
          </span>
          <button type="button" onClick={() => setPage(current.page + 1)} disabled={current.page === current.pages}>
            Older
          </button>
        </nav>
      )}
    </div>
  );
}

interface DeliveryRowProps {
  record: DeliveryRecord;
  onReplay(record: DeliveryRecord): void;
  onCall(callGuid: string): void;
}

/** One attempt: the URL shortened (the whole one expands), the outcome coloured, replay and call filter. */
function DeliveryRow({ record, onReplay, onCall }: DeliveryRowProps) {
  const test = isTestDelivery(record);
  const short = shortUrl(record.url);
  return (
    <tr className={GOOD_OUTCOMES.has(record.outcome) ? undefined : 'row-bad'}>
      <td data-label="Time">{new Date(record.at).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' })}</td>
      <td data-label="Slot">
        {record.slot + 1}
        {test && <span className="tag"> test</span>}
      </td>
      <td data-label="Event">{ACTION_LABELS[record.action]}</td>
      <td data-label="URL" className="url">
        {short === record.url ? (
          <code>{record.url}</code>
        ) : (
          <details>
            <summary>
              <code>{short}</code>
            </summary>
            <code>{record.url}</code>
          </details>
        )}
      </td>
      <td data-label="Attempt">{record.attempt}</td>
      <td data-label="Status" className={GOOD_OUTCOMES.has(record.outcome) ? 'good' : 'bad'}>
        {record.outcome.replace('_', ' ')}
      </td>
      <td data-label="Response">{record.status ?? '—'}</td>
      <td data-label="Latency">{record.latencyMs} ms</td>
      <td data-label="Error">{record.error ?? ''}</td>
      <td data-label="Actions" className="actions">
        <button type="button" onClick={() => onReplay(record)} aria-label={`Replay delivery of Action URL ${record.slot + 1} (${record.action})`}>
          Replay
        </button>
        {!test && (
          <button type="button" className="link" onClick={() => onCall(record.callGuid)} aria-label={`Only deliveries of call ${record.callGuid}`}>
            This call
          </button>
        )}
      </td>
    </tr>
  );
}

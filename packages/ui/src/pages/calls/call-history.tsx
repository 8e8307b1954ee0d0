import { useState } from 'react';
import type { CallSnapshot } from '@callhook/core';
import { downloadText, exportName, toCsv } from '../../components/export-file.js';
import { callDuration, callerName, callTime, isMissed } from './call-format.js';
import { PartyCell } from './party-cell.js';

/** The export columns of the call history (CSV); JSON exports the snapshots as the API answers them. */
export const CALL_COLUMNS: { name: string; value(c: CallSnapshot): unknown }[] = [
  { name: 'started', value: (c) => c.createdAt },
  { name: 'direction', value: (c) => c.direction },
  { name: 'number', value: (c) => c.remoteParty },
  { name: 'name', value: (c) => callerName(c) },
  { name: 'disposition', value: (c) => c.disposition },
  { name: 'connected', value: (c) => c.connectedAt },
  { name: 'ended', value: (c) => c.disconnectedAt },
  { name: 'line', value: (c) => c.lineId },
  { name: 'guid', value: (c) => c.guid },
];

export interface CallHistoryProps {
  calls: CallSnapshot[];
  now: number;
  /** Dials the call's number again on its line. */
  onCallBack(call: CallSnapshot): void;
}

/** Ended calls, newest first: a missed-calls filter with its count, call back, export as CSV or JSON. */
export function CallHistory({ calls, now, onCallBack }: CallHistoryProps) {
  const [missedOnly, setMissedOnly] = useState(false);
  const missed = calls.filter(isMissed).length;
  const shown = missedOnly ? calls.filter(isMissed) : calls;
  const exportAs = (kind: 'csv' | 'json') => {
    const at = new Date();
    if (kind === 'csv') downloadText(exportName('calls', 'csv', at), 'text/csv', toCsv(shown, CALL_COLUMNS));
    else downloadText(exportName('calls', 'json', at), 'application/json', JSON.stringify(shown, null, 2));
  };
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <div className="toolbar">
        <label>
          <input type="checkbox" checked={missedOnly} onChange={(e) => setMissedOnly(e.target.checked)} /> Missed calls only
        </label>
        <span className={missed > 0 ? 'bad' : 'muted'}>{missed === 1 ? '1 missed call' : `${missed} missed calls`}</span>
        <button type="button" onClick={() => exportAs('csv')} disabled={shown.length === 0}>
          Export CSV
        </button>
        <button type="button" onClick={() => exportAs('json')} disabled={shown.length === 0}>
          Export JSON
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="muted">{missedOnly ? 'No missed calls.' : 'No calls yet.'}</p>
      ) : (
        <table className="reflow">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Direction</th>
              <th scope="col">Remote party</th>
              <th scope="col">Disposition</th>
              <th scope="col">Duration</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((call) => (
              <tr key={call.guid} className={isMissed(call) ? 'row-bad' : undefined}>
                <td data-label="Started">{callTime(call.createdAt)}</td>
                <td data-label="Direction">{call.direction === 'inbound' ? 'Incoming' : 'Outgoing'}</td>
                <PartyCell call={call} />
                <td data-label="Disposition">{call.disposition ?? '—'}</td>
                <td data-label="Duration">{callDuration(call, now)}</td>
                <td data-label="Actions" className="actions">
                  <button type="button" onClick={() => onCallBack(call)} aria-label={`Call back ${callerName(call) ?? call.remoteParty} (${call.remoteParty})`}>
                    Call back
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

import { useState } from 'react';
import { ACTION_LABELS, type DeliveryRecord } from '@callhook/core';
import { errorMessage } from '../../client/client-error.js';
import type { EngineClient } from '../../client/engine-client.js';

const GOOD = new Set(['delivered', 'opened']);

/** Every delivery attempt, newest first, with a replay for each. */
export function DeliveriesPage({ client, deliveries }: { client: EngineClient; deliveries: DeliveryRecord[] }) {
  const [message, setMessage] = useState<{ bad: boolean; text: string } | null>(null);
  const replay = async (record: DeliveryRecord) => {
    try {
      const result = await client.replayDelivery(record.deliveryId);
      setMessage({ bad: !GOOD.has(result.outcome), text: `Replayed Action URL ${record.slot + 1}: ${result.outcome}` });
    } catch (error) {
      setMessage({ bad: true, text: `Replay failed: ${errorMessage(error)}` });
    }
  };
  return (
    <div className="page" aria-labelledby="deliveries-title">
      <h1 id="deliveries-title">Deliveries</h1>
      <p role="status" aria-live="polite" className={message?.bad ? 'bad' : 'muted'}>
        {message?.text}
      </p>
      {deliveries.length === 0 ? (
        <p className="muted">No Action URL has been sent yet.</p>
      ) : (
        <table className="deliveries">
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
              <th scope="col">Replay</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((record) => (
              <tr key={`${record.deliveryId}#${record.attempt}#${record.at}`}>
                <td>{new Date(record.at).toLocaleTimeString()}</td>
                <td>{record.slot + 1}</td>
                <td>{ACTION_LABELS[record.action]}</td>
                <td className="url">
                  <code>{record.url}</code>
                </td>
                <td>{record.attempt}</td>
                <td className={GOOD.has(record.outcome) ? 'good' : 'bad'}>{record.outcome.replace('_', ' ')}</td>
                <td>{record.status ?? '—'}</td>
                <td>{record.latencyMs} ms</td>
                <td>{record.error ?? ''}</td>
                <td>
                  <button type="button" onClick={() => void replay(record)} aria-label={`Replay delivery of Action URL ${record.slot + 1} (${record.action})`}>
                    Replay
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

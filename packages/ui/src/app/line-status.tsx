import type { LineStatus } from '@callhook/core';
import type { ConnectionState } from '../client/engine-client.js';
import type { LineView } from '../state/engine-state.js';

const REGISTERED: Record<LineStatus['state'], string> = {
  ready: 'Line ready',
  registering: 'Registering…',
  starting: 'Starting…',
  unregistered: 'Not registered',
  failed: 'Line failed',
  stopped: 'Line stopped',
};

/** Always visible: whether the line can take calls, and why not; with several lines, each one's. */
export function LineStatusBadge({ line, lines = [], connection }: { line: LineStatus | null; lines?: LineView[]; connection: ConnectionState }) {
  const offline = connection !== 'open';
  const state = line?.state ?? 'starting';
  const text = offline && connection === 'closed' ? 'Engine unreachable' : line ? REGISTERED[line.state] : 'Connecting…';
  return (
    <div className={`line-status line-${offline && connection === 'closed' ? 'failed' : state}`} role="status" aria-live="polite" aria-label="Line status">
      <span className="dot" aria-hidden="true" />
      <strong>{text}</strong>
      {line && <span className="detail"> — {line.detail}</span>}
      {offline && connection === 'connecting' && line && <span className="detail"> (reconnecting to live events)</span>}
      {lines.length > 1 && (
        <ul className="lines" aria-label="Lines">
          {lines.map(({ id, status }) => (
            <li key={id} className={`line-${status.state}`}>
              {id}: {REGISTERED[status.state]} — {status.detail}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

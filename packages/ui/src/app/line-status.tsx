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

/** Desk phones are not registered: callhook checks the phone on the network and logs in to it. */
const DESK_PHONE: Partial<Record<LineStatus['state'], string>> = {
  ready: 'Phone ready',
  starting: 'Contacting the phone…',
  unregistered: 'Phone not reachable',
  failed: 'Phone check failed',
};

/** A line state in words for someone who is not a telephony expert; `type` is the line's type (`deskphone`, `sip`, …). */
export function lineStateText(state: LineStatus['state'], type?: string): string {
  return (type === 'deskphone' ? DESK_PHONE[state] : undefined) ?? REGISTERED[state];
}

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

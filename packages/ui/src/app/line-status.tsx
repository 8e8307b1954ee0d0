import type { LineStatus } from '@callhook/core';
import type { ConnectionState } from '../client/engine-client.js';

const REGISTERED: Record<LineStatus['state'], string> = {
  ready: 'Line ready',
  registering: 'Registering…',
  starting: 'Starting…',
  unregistered: 'Not registered',
  failed: 'Line failed',
  stopped: 'Line stopped',
};

/** Always visible: whether the line can take calls, and why not. */
export function LineStatusBadge({ line, connection }: { line: LineStatus | null; connection: ConnectionState }) {
  const offline = connection !== 'open';
  const state = line?.state ?? 'starting';
  const text = offline && connection === 'closed' ? 'Engine unreachable' : line ? REGISTERED[line.state] : 'Connecting…';
  return (
    <div className={`line-status line-${offline && connection === 'closed' ? 'failed' : state}`} role="status" aria-live="polite" aria-label="Line status">
      <span className="dot" aria-hidden="true" />
      <strong>{text}</strong>
      {line && <span className="detail"> — {line.detail}</span>}
      {offline && connection === 'connecting' && line && <span className="detail"> (reconnecting to live events)</span>}
    </div>
  );
}

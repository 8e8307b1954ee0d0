import type { LineStatus } from '@callhook/core';

export type TrayIconState = 'ok' | 'busy' | 'error';

const LABELS: Record<LineStatus['state'], { text: string; icon: TrayIconState }> = {
  ready: { text: 'line ready', icon: 'ok' },
  starting: { text: 'starting', icon: 'busy' },
  registering: { text: 'registering', icon: 'busy' },
  unregistered: { text: 'not registered', icon: 'error' },
  failed: { text: 'line failed', icon: 'error' },
  stopped: { text: 'line stopped', icon: 'error' },
};

/** The tray's tooltip and icon for a line status: registered or not, and why. */
export function trayPresentation(status: LineStatus): { tooltip: string; icon: TrayIconState } {
  const { text, icon } = LABELS[status.state];
  const detail = status.detail ? ` — ${status.detail}` : '';
  return { tooltip: `callhook: ${text}${detail}`.slice(0, 127), icon };
}

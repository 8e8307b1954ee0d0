import type { MenuItemConstructorOptions } from 'electron';
import type { LineStatus } from '@callhook/core';

export type TrayIconState = 'ok' | 'busy' | 'error';

/** One line as the tray shows it (`GET /api/v1/lines`' entries). */
export interface TrayLine {
  id: string;
  type: string;
  status: LineStatus;
}

const LABELS: Record<LineStatus['state'], { text: string; icon: TrayIconState }> = {
  ready: { text: 'line ready', icon: 'ok' },
  starting: { text: 'starting', icon: 'busy' },
  registering: { text: 'registering', icon: 'busy' },
  unregistered: { text: 'not registered', icon: 'error' },
  failed: { text: 'line failed', icon: 'error' },
  stopped: { text: 'line stopped', icon: 'error' },
};

/** A desk phone is not registered: callhook checks it on the network and logs in to it. */
const DESK_PHONE: Partial<Record<LineStatus['state'], string>> = {
  ready: 'phone ready',
  starting: 'contacting the phone',
  unregistered: 'phone not reachable',
  failed: 'phone check failed',
};

/** Windows cuts a tray tooltip at 127 characters; a menu label is kept readable at this length. */
const TOOLTIP_MAX = 127;
const MENU_LABEL_MAX = 120;

const ORDER: Record<TrayIconState, number> = { ok: 0, busy: 1, error: 2 };

function stateText(line: Pick<TrayLine, 'type' | 'status'>): string {
  return (line.type === 'deskphone' ? DESK_PHONE[line.status.state] : undefined) ?? LABELS[line.status.state].text;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The tray's tooltip and icon for a line status: registered or not, and why. */
export function trayPresentation(status: LineStatus, type = ''): { tooltip: string; icon: TrayIconState } {
  const detail = status.detail ? ` — ${status.detail}` : '';
  return { tooltip: clip(`callhook: ${stateText({ type, status })}${detail}`, TOOLTIP_MAX), icon: LABELS[status.state].icon };
}

/**
 * The tray for every line: the icon of the worst line, a tooltip that leads with the first line that
 * is not ready and its detail (a failing line's detail names the fix, e.g. a desk phone's wrong
 * password), and one menu label per line with its status and detail. One line reads as before.
 */
export function trayLinesPresentation(lines: readonly TrayLine[]): { tooltip: string; icon: TrayIconState; items: string[] } {
  const items = lines.map((line) => clip(`${line.id}: ${stateText(line)}${line.status.detail ? ` — ${line.status.detail}` : ''}`, MENU_LABEL_MAX));
  if (lines.length === 0) return { tooltip: 'callhook: no line', icon: 'error', items };
  if (lines.length === 1) return { ...trayPresentation(lines[0]!.status, lines[0]!.type), items };
  const icon = lines.map((line) => LABELS[line.status.state].icon).reduce((worst, next) => (ORDER[next] > ORDER[worst] ? next : worst), 'ok');
  const ready = lines.filter((line) => line.status.state === 'ready').length;
  const trouble = lines.find((line) => LABELS[line.status.state].icon === 'error') ?? lines.find((line) => line.status.state !== 'ready');
  const summary = `callhook: ${ready} of ${lines.length} lines ready`;
  const tooltip = trouble ? `${summary} — ${trouble.id}: ${stateText(trouble)}${trouble.status.detail ? ` — ${trouble.status.detail}` : ''}` : summary;
  return { tooltip: clip(tooltip, TOOLTIP_MAX), icon, items };
}

/** What the tray menu's entries do (Electron's shell wires them; tests record them). */
export interface TrayMenuActions {
  openConsole(): void;
  /** Opens the console on a page (`#calls`, `#lines`). */
  openPage(page: string): void;
  startAtLogin: boolean;
  setStartAtLogin(on: boolean): void;
  quit(): void;
}

/**
 * The tray menu: open the console, one disabled label per line with its status and the fix when it
 * fails, "Fix lines…" to the console's Lines page when a line is in trouble, start at login, quit.
 */
export function trayMenuTemplate(view: { icon: TrayIconState; items: readonly string[] }, actions: TrayMenuActions): MenuItemConstructorOptions[] {
  return [
    { label: 'Open console', click: () => actions.openConsole() },
    { label: 'Calls', click: () => actions.openPage('#calls') },
    { type: 'separator' },
    ...view.items.map((label): MenuItemConstructorOptions => ({ label, enabled: false })),
    ...(view.icon === 'error' ? [{ label: 'Fix lines…', click: () => actions.openPage('#lines') }] : []),
    { type: 'separator' },
    { label: 'Start at login', type: 'checkbox', checked: actions.startAtLogin, click: (item) => actions.setStartAtLogin(item.checked) },
    { type: 'separator' },
    { label: 'Quit callhook', click: () => actions.quit() },
  ];
}

import { describe, expect, it } from 'vitest';
import { applyStartAtLogin, parsePrefs } from '../src/main/desktop-prefs.js';
import { linkDialer } from '../src/main/link-dialer.js';
import { trayLinesPresentation, trayMenuTemplate, trayPresentation, type TrayMenuActions } from '../src/main/tray-status.js';
import type { InboundCommand } from '@callhook/core';

describe('trayPresentation', () => {
  it.each([
    [{ state: 'ready', detail: 'registered at 127.0.0.1:5060' }, 'callhook: line ready — registered at 127.0.0.1:5060', 'ok'],
    [{ state: 'unregistered', detail: '401 from registrar' }, 'callhook: not registered — 401 from registrar', 'error'],
    [{ state: 'registering', detail: '' }, 'callhook: registering', 'busy'],
  ] as const)('%o', (status, tooltip, icon) => {
    expect(trayPresentation(status)).toEqual({ tooltip, icon });
  });
});

describe('the tray with several lines', () => {
  const wrongPassword = "401 from the phone: check the line's username and password (the phone's web admin login); retrying in 5 s";
  const lines = [
    { id: 'sip', type: 'sip', status: { state: 'ready', detail: 'registered at 127.0.0.1:5060' } },
    { id: 'desk-12', type: 'deskphone', status: { state: 'failed', detail: wrongPassword } },
    { id: 'desk-13', type: 'deskphone', status: { state: 'unregistered', detail: "connect ECONNREFUSED 192.0.2.11:80: check the line's url" } },
  ] as const;

  it('leads the tooltip with the first line in trouble and its fix, and lists every line in the menu', () => {
    const view = trayLinesPresentation(lines);
    expect(view.icon).toBe('error');
    expect(view.tooltip).toBe(`callhook: 1 of 3 lines ready — desk-12: phone check failed — ${wrongPassword}`.slice(0, 126) + '…');
    expect(view.tooltip.length).toBeLessThanOrEqual(127);
    expect(view.items).toEqual([
      'sip: line ready — registered at 127.0.0.1:5060',
      `desk-12: phone check failed — ${wrongPassword}`.slice(0, 119) + '…',
      "desk-13: phone not reachable — connect ECONNREFUSED 192.0.2.11:80: check the line's url",
    ]);
    expect(trayLinesPresentation([lines[0], { id: 'desk-14', type: 'deskphone', status: { state: 'ready', detail: 'the snom phone answers' } }])).toEqual({
      tooltip: 'callhook: 2 of 2 lines ready',
      icon: 'ok',
      items: ['sip: line ready — registered at 127.0.0.1:5060', 'desk-14: phone ready — the snom phone answers'],
    });
    // One line reads as it always did.
    expect(trayLinesPresentation([lines[0]]).tooltip).toBe('callhook: line ready — registered at 127.0.0.1:5060');
  });

  it('puts each line in the menu, disabled, and "Fix lines…" opens the Lines page while one is in trouble', () => {
    const opened: string[] = [];
    const actions: TrayMenuActions = {
      openConsole: () => opened.push('console'),
      openPage: (page) => opened.push(page),
      startAtLogin: false,
      setStartAtLogin: () => undefined,
      quit: () => undefined,
    };
    const menu = trayMenuTemplate(trayLinesPresentation(lines), actions);
    const lineItems = menu.filter((item) => item.enabled === false);
    expect(lineItems.map((item) => item.label)).toEqual(trayLinesPresentation(lines).items);
    const fix = menu.find((item) => item.label === 'Fix lines…')!;
    (fix.click as () => void)();
    expect(opened).toEqual(['#lines']);
    expect(trayMenuTemplate(trayLinesPresentation([lines[0]]), actions).some((item) => item.label === 'Fix lines…')).toBe(false);
  });
});

describe('start at login', () => {
  it('is off unless the prefs say so, and bad prefs fall back to defaults', () => {
    const noAudio = { input: null, output: null };
    expect(parsePrefs(null)).toEqual({ startAtLogin: false, audio: noAudio });
    expect(parsePrefs('{"startAtLogin":true}')).toEqual({ startAtLogin: true, audio: noAudio });
    expect(parsePrefs('{oops')).toEqual({ startAtLogin: false, audio: noAudio });
  });

  it('changes the OS login item only when it differs', () => {
    const calls: boolean[] = [];
    const login = {
      openAtLogin: false,
      getLoginItemSettings: () => ({ openAtLogin: login.openAtLogin }),
      setLoginItemSettings: (s: { openAtLogin: boolean }) => void calls.push((login.openAtLogin = s.openAtLogin)),
    };
    applyStartAtLogin(login, { startAtLogin: true });
    applyStartAtLogin(login, { startAtLogin: true });
    applyStartAtLogin(login, { startAtLogin: false });
    expect(calls).toEqual([true, false]);
  });
});

describe('linkDialer', () => {
  it('holds links until the engine is ready, then dials them', async () => {
    const commands: InboundCommand[] = [];
    const reports: string[] = [];
    const dialer = linkDialer({ execute: async (c) => commands.push(c), report: (m) => reports.push(m) });
    dialer.onLink('tel:+49-30-123');
    expect(commands).toEqual([]);
    dialer.ready();
    dialer.onLink('sip:303@pbx');
    dialer.onLink('tel:nonsense');
    expect(commands).toEqual([
      { action: 'make_call', target: '+4930123', force: false },
      { action: 'make_call', target: 'sip:303@pbx', force: false },
    ]);
    expect(reports).toEqual(['cannot dial tel:nonsense: not a phone number or SIP address']);
  });
});

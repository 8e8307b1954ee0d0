import { describe, expect, it } from 'vitest';
import { applyStartAtLogin, parsePrefs } from '../src/main/desktop-prefs.js';
import { linkDialer } from '../src/main/link-dialer.js';
import { trayPresentation } from '../src/main/tray-status.js';
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

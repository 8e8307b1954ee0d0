import { loadSettings, simulatorLine, SettingsError } from '@callhook/core';
import { describe, expect, it } from 'vitest';
import { sipLinePlugin } from '../src/index.js';

const edition = { linePlugins: [simulatorLine, sipLinePlugin] };
const issuesOf = (input: unknown) => {
  try {
    loadSettings(input, edition);
    return [];
  } catch (error) {
    if (error instanceof SettingsError) return error.issues;
    throw error;
  }
};

describe('sip line settings (the sip plugin in an edition)', () => {
  const bad: [string, unknown, string, RegExp][] = [
    ['unknown line type', { line: { type: 'isdn' } }, 'line.type', /one of "simulator", "sip" in this edition/],
    ['sip aor', { line: { type: 'sip', aor: '303@pbx' } }, 'line.aor', /sip:user@domain/],
    ['negative RTP inactivity timeout', { line: { type: 'sip', aor: 'sip:303@pbx', media: { inactivityTimeoutSeconds: -1 } } }, 'line.media.inactivityTimeoutSeconds', /0 to turn/],
    ['huge RTP inactivity timeout', { line: { type: 'sip', aor: 'sip:303@pbx', media: { inactivityTimeoutSeconds: 99_999 } } }, 'line.media.inactivityTimeoutSeconds', /at most 3600/],
    ['zero TCP connection cap', { line: { type: 'sip', aor: 'sip:303@pbx', tcp: { maxConnections: 0 } } }, 'line.tcp.maxConnections', /1/],
    ['sip registrar in lines', { lines: [{ id: 'desk', type: 'simulator' }, { id: 'pbx', type: 'sip', aor: 'sip:1@h', registrar: 'http://pbx' }] }, 'lines[1].registrar', /host\[:port\]/],
  ];
  it.each(bad)('%s names the field and the fix', (_name, input, path, message) => {
    const issue = issuesOf(input).find((i) => i.path === path);
    expect(issue, JSON.stringify(issuesOf(input))).toBeDefined();
    expect(issue!.message).toMatch(message);
  });

  it('takes a simulator and a sip line side by side, with the sip defaults filled in', () => {
    const { settings } = loadSettings({ lines: [{ id: 'demo', type: 'simulator' }, { id: 'desk-12', type: 'sip', aor: 'sip:12@pbx.test', dialPlan: { country: 'US', outsideLinePrefix: '9' } }] }, edition);
    expect(settings.lines[1]).toMatchObject({ id: 'desk-12', type: 'sip', transport: 'udp', callWaiting: 'hold', dialPlan: { country: 'US', outsideLinePrefix: '9', internationalPrefix: null } });
  });
});

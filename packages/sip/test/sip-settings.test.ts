import { loadSettings, maskSettings, restoreSecrets, simulatorLine, SettingsError } from '@callhook/core';
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
    [
      'negative RTP inactivity timeout',
      { line: { type: 'sip', aor: 'sip:303@pbx', media: { inactivityTimeoutSeconds: -1 } } },
      'line.media.inactivityTimeoutSeconds',
      /0 to turn/,
    ],
    [
      'huge RTP inactivity timeout',
      { line: { type: 'sip', aor: 'sip:303@pbx', media: { inactivityTimeoutSeconds: 99_999 } } },
      'line.media.inactivityTimeoutSeconds',
      /at most 3600/,
    ],
    [
      'sip bind address that is no IP address',
      { line: { type: 'sip', aor: 'sip:303@pbx', bindAddress: 'eth0' } },
      'line.bindAddress',
      /IP address.*or leave it out/,
    ],
    [
      'sip registrar port above 65535',
      { line: { type: 'sip', aor: 'sip:303@pbx', registrar: 'pbx.example.com:99999' } },
      'line.registrar',
      /port must be 1–65535, got 99999; write the registrar as host\[:port\]/,
    ],
    ['sip registrar port 0', { line: { type: 'sip', aor: 'sip:303@pbx', registrar: '[::1]:0' } }, 'line.registrar', /port must be 1–65535, got 0/],
    [
      'sip outbound proxy port above 65535',
      { line: { type: 'sip', aor: 'sip:303@pbx', outboundProxy: 'proxy.example.com:70000' } },
      'line.outboundProxy',
      /port must be 1–65535, got 70000; write line.outboundProxy as host\[:port\]/,
    ],
    ['sip outbound proxy as a URL', { line: { type: 'sip', aor: 'sip:303@pbx', outboundProxy: 'sip:proxy' } }, 'line.outboundProxy', /host\[:port\]/],
    [
      'negative keep-alive interval',
      { line: { type: 'sip', aor: 'sip:303@pbx', keepAliveSeconds: -5 } },
      'line.keepAliveSeconds',
      /0 to turn NAT keep-alives off/,
    ],
    ['sip transport sctp', { line: { type: 'sip', aor: 'sip:303@pbx', transport: 'sctp' } }, 'line.transport', /udp.*tcp.*tls/],
    [
      'G.722 spelt with a dot',
      { line: { type: 'sip', aor: 'sip:303@pbx', media: { codecs: ['G.722'] } } },
      'line.media.codecs[0]',
      /takes PCMU, PCMA, G722, opus \(G\.722 is written G722\)/,
    ],
    ['wideband as a word', { line: { type: 'sip', aor: 'sip:303@pbx', media: { wideband: 'yes' } } }, 'line.media.wideband', /true .*16 kHz.* or false/],
    ['unknown media encryption', { line: { type: 'sip', aor: 'sip:303@pbx', media: { encryption: 'zrtp' } } }, 'line.media.encryption', /none.*sdes.*required/],
    [
      'unknown SRTP suite',
      { line: { type: 'sip', aor: 'sip:303@pbx', media: { srtpSuites: ['AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_128_GCM'] } } },
      'line.media.srtpSuites[1]',
      /takes AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32/,
    ],
    ['no SRTP suite', { line: { type: 'sip', aor: 'sip:303@pbx', media: { srtpSuites: [] } } }, 'line.media.srtpSuites', /at least one suite/],
    [
      'an SRTP suite twice',
      { line: { type: 'sip', aor: 'sip:303@pbx', media: { srtpSuites: ['AES_CM_128_HMAC_SHA1_32', 'AES_CM_128_HMAC_SHA1_32'] } } },
      'line.media.srtpSuites',
      /each suite once/,
    ],
    ['zero TCP connection cap', { line: { type: 'sip', aor: 'sip:303@pbx', tcp: { maxConnections: 0 } } }, 'line.tcp.maxConnections', /1/],
    [
      'sip registrar in lines',
      {
        lines: [
          { id: 'desk', type: 'simulator' },
          { id: 'pbx', type: 'sip', aor: 'sip:1@h', registrar: 'http://pbx' },
        ],
      },
      'lines[1].registrar',
      /host\[:port\]/,
    ],
  ];
  it.each(bad)('%s names the field and the fix', (_name, input, path, message) => {
    const issue = issuesOf(input).find((i) => i.path === path);
    expect(issue, JSON.stringify(issuesOf(input))).toBeDefined();
    expect(issue!.message).toMatch(message);
  });

  it('takes a simulator and a sip line side by side, with the sip defaults filled in', () => {
    const { settings } = loadSettings(
      {
        lines: [
          { id: 'demo', type: 'simulator' },
          { id: 'desk-12', type: 'sip', aor: 'sip:12@pbx.test', dialPlan: { country: 'US', outsideLinePrefix: '9' } },
        ],
      },
      edition,
    );
    expect(settings.lines[1]).toMatchObject({
      id: 'desk-12',
      type: 'sip',
      transport: 'udp',
      callWaiting: 'hold',
      dialPlan: { country: 'US', outsideLinePrefix: '9', internationalPrefix: null },
      media: { encryption: 'none', srtpSuites: ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] },
    });
  });

  it('takes G722 in line.media.codecs, in the order given', () => {
    const { settings } = loadSettings({ line: { type: 'sip', aor: 'sip:303@pbx', media: { codecs: ['G722', 'PCMA'] } } }, edition);
    expect(settings.lines[0]).toMatchObject({ media: { codecs: ['G722', 'PCMA'] } });
  });

  it.each(['sdes', 'required'] as const)('takes line.media.encryption "%s" (SRTP)', (encryption) => {
    const { settings } = loadSettings({ line: { type: 'sip', aor: 'sip:303@pbx', media: { encryption } } }, edition);
    expect(settings.lines[0]).toMatchObject({ media: { encryption } });
  });

  it('takes line.media.srtpSuites in the order given', () => {
    const media = { encryption: 'required', srtpSuites: ['AES_CM_128_HMAC_SHA1_32', 'AES_CM_128_HMAC_SHA1_80'] };
    const { settings } = loadSettings({ line: { type: 'sip', aor: 'sip:303@pbx', media } }, edition);
    expect(settings.lines[0]).toMatchObject({ media });
  });
});

describe('the SIP password is write-only (the plugin declares it a secret of its account)', () => {
  it('refuses a password in the SIP address of record', () => {
    expect(issuesOf({ line: { type: 'sip', aor: 'sip:303:hunter2@pbx.example.com' } })).toEqual([
      { path: 'line.aor', message: expect.stringMatching(/put it in line.password/) },
    ]);
    expect(loadSettings({ line: { type: 'sip', aor: 'sip:303@pbx.example.com:5060' } }, edition).settings.lines[0]!.type).toBe('sip');
  });

  it('masks lines[i].password of every SIP line and keeps it only for the same AOR and registrar', () => {
    const stored = loadSettings(
      {
        lines: [
          { id: 'demo', type: 'simulator' },
          { id: 'desk-12', type: 'sip', aor: 'sip:12@pbx.example.com', password: 'pw-12', registrar: 'pbx.example.com:5060' },
          { id: 'desk-13', type: 'sip', aor: 'sip:13@pbx.example.com', password: 'pw-13' },
        ],
      },
      edition,
    ).settings;
    const doc = JSON.parse(JSON.stringify(maskSettings(stored, edition)));
    expect(JSON.stringify(doc)).not.toMatch(/pw-1[23]/);
    expect(doc.lines[1].password).toEqual({ set: true });
    expect(loadSettings(restoreSecrets(doc, stored, edition), edition).settings).toEqual(stored);
    doc.lines[1].registrar = 'PBX.example.com:5060'; // the same registrar in other case
    expect(loadSettings(restoreSecrets(doc, stored, edition), edition).settings.lines[1]!.password).toBe('pw-12');
    doc.lines[1].registrar = 'evil.example:5060';
    doc.lines[2].aor = 'sip:14@pbx.example.com';
    const issues = (() => {
      try {
        restoreSecrets(doc, stored, edition);
        return [];
      } catch (error) {
        return (error as SettingsError).issues;
      }
    })();
    expect(issues).toEqual([
      { path: 'lines[1].password', message: expect.stringMatching(/address of record or registrar changed.*type it again/) },
      { path: 'lines[2].password', message: expect.stringMatching(/address of record or registrar changed/) },
    ]);
  });
});

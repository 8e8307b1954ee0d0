import { describe, expect, it } from 'vitest';
import { isFetchBlockedPort, loadSettings, loadSettingsText, MAX_LINES, SettingsError, settingsJsonSchema } from '../../src/index.js';

function issuesOf(input: unknown, limits?: { maxSlots: number }): { path: string; message: string }[] {
  try {
    loadSettings(input, limits);
  } catch (error) {
    if (error instanceof SettingsError) return error.issues;
    throw error;
  }
  return [];
}

const slot = (url: string, on = 'inbound') => ({ on, url });

describe('settings', () => {
  it('defaults are secure: inbound off, every action off, loopback only, simulator line', () => {
    const { settings } = loadSettings({});
    expect(settings.inbound.enabled).toBe(false);
    expect(Object.values(settings.inbound.actions).every((on) => on === false)).toBe(true);
    expect(settings.inbound.listen).toEqual(['127.0.0.1', '::1']);
    expect(settings.inbound.allowFrom).toEqual(['127.0.0.0/8', '::1/128']);
    expect(settings.inbound.port).toBe(61234);
    expect(settings.inbound.token).toBeNull();
    expect(settings.actionUrls.enabled).toBe(false);
    expect(settings.lines).toEqual([expect.objectContaining({ id: 'default', type: 'simulator' })]);
  });

  it('takes the settings example of docs/action-urls.md and compiles each slot once', () => {
    const loaded = loadSettings({
      actionUrls: { enabled: true, slots: [{ on: 'inbound', url: 'http://127.0.0.1:9000/in?n=<$remote_party>', active: true, openInBrowser: false }] },
      inbound: {
        enabled: true,
        port: 61234,
        listen: ['127.0.0.1', '::1'],
        actions: { make_call: true },
        token: null,
        allowFrom: ['127.0.0.0/8', '::1/128'],
        allowOrigins: [],
        denyPrefixes: [],
      },
      line: { type: 'simulator' },
    });
    expect(loaded.templates).toHaveLength(1);
    expect(loaded.templates[0]!.placeholders[0]!.name).toBe('remote_party');
    expect(loaded.settings.inbound.actions.make_call).toBe(true);
    expect(loaded.settings.inbound.actions.hangup).toBe(false);
  });

  const bad: [string, unknown, string, RegExp][] = [
    ['unknown placeholder', { actionUrls: { slots: [slot('http://h/?a=<$nope>')] } }, 'actionUrls.slots[0].url', /unknown placeholder "<\$nope>"[\s\S]*\^/],
    [
      'wrong trigger',
      { actionUrls: { slots: [slot('http://h/', 'ringing')] } },
      'actionUrls.slots[0].on',
      /one of inbound, outbound, connected, hold, disconnected/,
    ],
    ['typo in a field', { inbound: { enabeld: true } }, 'inbound', /unknown field "enabeld"/],
    ['port out of range', { inbound: { port: 70000 } }, 'inbound.port', /1–65535/],
    [
      "port browsers refuse (SIP's 5060)",
      { inbound: { port: 5060 } },
      'inbound.port',
      /browsers and fetch\(\) refuse port 5060 .*pick another port, e.g. 61234/,
    ],
    ["port browsers refuse (X11's 6000)", { inbound: { port: 6000 } }, 'inbound.port', /refuse port 6000/],
    ['bad listen address', { inbound: { listen: ['localhost'] } }, 'inbound.listen[0]', /IPv4 or IPv6 address/],
    ['bad CIDR', { inbound: { allowFrom: ['10.0.0.0/33'] } }, 'inbound.allowFrom[0]', /CIDR/],
    ['origin with a path', { inbound: { allowOrigins: ['https://crm.example.com/x'] } }, 'inbound.allowOrigins[0]', /origin/],
    ['host name with a port', { inbound: { hostNames: ['phone.example.lan:61234'] } }, 'inbound.hostNames[0]', /DNS name/],
    ['host name that is an address', { inbound: { hostNames: ['10.0.0.5'] } }, 'inbound.hostNames[0]', /IP addresses and localhost need no entry/],
    ['host name with a scheme', { inbound: { hostNames: ['http://phone'] } }, 'inbound.hostNames[0]', /no scheme/],
    ['short token', { inbound: { token: 'abc' } }, 'inbound.token', /at least 16/],
    ['unknown action switch', { inbound: { actions: { reboot: true } } }, 'inbound.actions', /unknown field "reboot"/],
    ['unknown line type', { line: { type: 'isdn' } }, 'line.type', /one of "simulator" in this edition/],
    ['bad line id', { lines: [{ id: 'Desk 12', type: 'simulator' }] }, 'lines[0].id', /a-z, 0-9, _ and -/],
    ['line without id in lines', { lines: [{ type: 'simulator' }] }, 'lines[0].id', /line id/],
    [
      'duplicate line ids',
      {
        lines: [
          { id: 'desk', type: 'simulator' },
          { id: 'desk', type: 'simulator' },
        ],
      },
      'lines[1].id',
      /"desk" is used twice/,
    ],
    ['line and lines together', { line: { type: 'simulator' }, lines: [{ id: 'a', type: 'simulator' }] }, 'line', /either "line" \(one line\) or "lines"/],
    ['no line at all', { lines: [] }, 'lines', /at least one line/],
    [
      'slot naming an unknown line',
      { lines: [{ id: 'desk-12', type: 'simulator' }], actionUrls: { slots: [{ ...slot('http://h/'), lines: ['desk-13'] }] } },
      'actionUrls.slots[0].lines',
      /slot 1 names line "desk-13", which is not configured \(lines: desk-12\)/,
    ],
    [
      'slot naming an unknown sink',
      { actionUrls: { slots: [{ ...slot('http://h/'), sink: 'pager' }] } },
      'actionUrls.slots[0].sink',
      /sink "pager", which this edition does not have \(sinks: http, browser\)/,
    ],
    ['reserved header', { actionUrls: { slots: [{ ...slot('http://h/'), headers: { Host: 'x' } }] } }, 'actionUrls.slots[0].headers.Host', /set by callhook/],
    ['retries over 10', { actionUrls: { slots: [{ ...slot('http://h/'), retries: { max: 11 } }] } }, 'actionUrls.slots[0].retries.max', /at most 10/],
    [
      'retries as text',
      { actionUrls: { slots: [{ ...slot('http://h/'), retries: { max: '3' } }] } },
      'actionUrls.slots[0].retries.max',
      /whole number of further attempts \(0-10\), e\.g\. 8/,
    ],
    [
      'a back-off cap over 10 minutes',
      { actionUrls: { slots: [{ ...slot('http://h/'), retries: { maxBackoffMs: 3_600_000 } }] } },
      'actionUrls.slots[0].retries.maxBackoffMs',
      /at most 600000 ms/,
    ],
    [
      'POST in the browser',
      { actionUrls: { slots: [{ ...slot('http://h/'), method: 'POST', openInBrowser: true }] } },
      'actionUrls.slots[0].method',
      /browser/,
    ],
  ];
  it.each(bad)('%s names the field and the fix', (_name, input, path, message) => {
    const issues = issuesOf(input);
    const issue = issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });

  it('an inactive slot may be empty and keeps its place; an active one may not', () => {
    const loaded = loadSettings({ actionUrls: { slots: [slot('http://h/1'), { on: 'inbound', url: '', active: false }, slot('http://h/3')] } });
    expect(loaded.templates.map((t) => t?.source ?? null)).toEqual(['http://h/1', null, 'http://h/3']);
    expect(issuesOf({ actionUrls: { slots: [{ on: 'inbound', url: '' }] } })).toEqual([
      { path: 'actionUrls.slots[0].url', message: 'an active slot needs an http:// or https:// URL; enter one or set "active": false' },
    ]);
  });

  it('a slot retries 8 times, 1 s doubling to 60 s, unless it says otherwise; a partial retries object keeps the other defaults', () => {
    const { settings } = loadSettings({ actionUrls: { slots: [slot('http://h/1'), { ...slot('http://h/2'), retries: { max: 0 } }] } });
    expect(settings.actionUrls.slots.map((s) => s.retries)).toEqual([
      { max: 8, backoffMs: 1_000, maxBackoffMs: 60_000 },
      { max: 0, backoffMs: 1_000, maxBackoffMs: 60_000 },
    ]);
  });

  it('inbound.hostNames takes DNS names and defaults to none', () => {
    expect(loadSettings({}).settings.inbound.hostNames).toEqual([]);
    expect(loadSettings({ inbound: { hostNames: ['phone.example.lan', 'PBX-1'] } }).settings.inbound.hostNames).toEqual(['phone.example.lan', 'PBX-1']);
    expect(issuesOf({ inbound: { hostNames: ['-bad.example'] } })[0]!.path).toBe('inbound.hostNames[0]');
    expect(issuesOf({ inbound: { hostNames: [`${'a'.repeat(64)}.example`] } })[0]!.path).toBe('inbound.hostNames[0]');
  });

  it('the slot limit is an edition setting', () => {
    const six = { actionUrls: { slots: Array.from({ length: 6 }, () => slot('http://h/')) } };
    expect(issuesOf(six)[0]!.message).toMatch(/at most 5/);
    expect(issuesOf(six, { maxSlots: 10 })).toEqual([]);
  });

  it('reports every bad template, not just the first', () => {
    const issues = issuesOf({ actionUrls: { slots: [slot('http://h/<$a>'), slot('http://h/ok'), slot('ftp://h/')] } });
    expect(issues.map((i) => i.path)).toEqual(['actionUrls.slots[0].url', 'actionUrls.slots[2].url']);
  });

  it('reports JSON syntax errors as settings errors', () => {
    expect(() => loadSettingsText('{"inbound": ')).toThrow(/not valid JSON/);
  });

  it('exports a JSON Schema with the defaults', () => {
    const schema = settingsJsonSchema() as { properties: Record<string, { properties?: Record<string, unknown> }> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['actionUrls', 'inbound', 'line', 'lines']));
    expect(schema.properties.inbound!.properties!.port).toMatchObject({ default: 61234 });
  });
});

describe('inbound.port and the ports browsers refuse', () => {
  it('refuses exactly the ports Node\'s fetch refuses as "bad ports", before any connection', async () => {
    const blocked = Array.from({ length: 65535 }, (_, i) => i + 1).filter(isFetchBlockedPort);
    expect(blocked).toEqual(expect.arrayContaining([5060, 5061, 6000, 10080]));
    // fetch refuses a bad port without connecting, so this asks nothing of the network.
    const refusals = await Promise.all(
      blocked.map((port) =>
        fetch(`http://127.0.0.1:${port}/`).then(
          () => 'answered',
          (error: Error & { cause?: Error }) => error.cause?.message ?? error.message,
        ),
      ),
    );
    expect(new Set(refusals)).toEqual(new Set(['bad port']));
    expect(loadSettings({ inbound: { port: 61234 } }).settings.inbound.port).toBe(61234);
  });
});

describe('line.dialPlan', () => {
  it('is off by default and takes the country’s international prefix when none is named', () => {
    expect(loadSettings({}).settings.lines[0]!.dialPlan).toBeNull();
    const { settings } = loadSettings({ line: { type: 'simulator', dialPlan: { country: 'US', outsideLinePrefix: '9' } } });
    expect(settings.lines[0]!.dialPlan).toEqual({ country: 'US', outsideLinePrefix: '9', internationalPrefix: null });
  });

  it('names the field and the fix for a bad plan', () => {
    expect(issuesOf({ line: { type: 'simulator', dialPlan: { country: 'XX' } } })).toEqual([
      { path: 'line.dialPlan.country', message: expect.stringMatching(/ISO 3166-1 alpha-2 code/) },
    ]);
    expect(issuesOf({ line: { type: 'simulator', dialPlan: { country: 'BR' } } })).toEqual([
      { path: 'line.dialPlan.internationalPrefix', message: expect.stringMatching(/several international prefixes; set internationalPrefix/) },
    ]);
    expect(issuesOf({ line: { type: 'simulator', dialPlan: { country: 'BR', internationalPrefix: '0021' } } })).toEqual([]);
    expect(issuesOf({ line: { type: 'simulator', dialPlan: { country: 'DE', outsideLinePrefix: 'x' } } })[0]?.path).toBe('line.dialPlan.outsideLinePrefix');
  });
});

describe('lines', () => {
  it('turns the line shorthand into one line with id "default" and keeps lines in their order', () => {
    expect(loadSettings({ line: { type: 'simulator', answerAfterMs: null } }).settings.lines).toEqual([
      expect.objectContaining({ id: 'default', type: 'simulator', answerAfterMs: null }),
    ]);
    const { settings } = loadSettings({
      lines: [
        { id: 'desk-12', type: 'simulator' },
        { id: 'lab_2', type: 'simulator', callWaiting: 'none' },
      ],
    });
    expect(settings.lines.map((l) => [l.id, l.callWaiting])).toEqual([
      ['desk-12', 'hold'],
      ['lab_2', 'none'],
    ]);
  });

  it('takes an office of 1,000 lines on one instance, and refuses more than MAX_LINES naming the limit', () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `desk-${i}`, type: 'simulator' }));
    expect(loadSettings({ lines: lines(1_000) }).settings.lines).toHaveLength(1_000);
    expect(() => loadSettings({ lines: lines(MAX_LINES + 1) })).toThrow(new RegExp(`lines.*at most ${MAX_LINES} lines per instance`, 's'));
  });

  it('lets a slot name its lines and its sink, and refuses a line type the edition does not have', () => {
    const { settings } = loadSettings({
      lines: [
        { id: 'a', type: 'simulator' },
        { id: 'b', type: 'simulator' },
      ],
      actionUrls: { slots: [{ on: 'inbound', url: 'http://h/', lines: ['b'], sink: 'browser' }] },
    });
    expect(settings.actionUrls.slots[0]).toMatchObject({ lines: ['b'], sink: 'browser' });
    expect(issuesOf({ line: { type: 'sip', aor: 'sip:1@h' } })).toEqual([
      { path: 'line.type', message: 'the line type must be one of "simulator" in this edition' },
    ]);
  });

  it('takes the edition: its line plugins, its sinks and its slot limit', async () => {
    const { z } = await import('zod');
    const pager = {
      type: 'pager',
      settingsSchema: z.strictObject({
        type: z.literal('pager'),
        number: z.string().min(1, 'number is the pager number'),
        callWaiting: z.enum(['hold', 'none']).default('hold'),
        dialPlan: z.null().default(null),
      }),
    };
    const edition = { maxSlots: 1, linePlugins: [pager], sinkModes: ['http', 'mqtt'] };
    const { settings } = loadSettings(
      { lines: [{ id: 'p', type: 'pager', number: '5' }], actionUrls: { slots: [{ on: 'inbound', url: 'http://h/', sink: 'mqtt' }] } },
      edition,
    );
    expect(settings.lines[0]).toEqual({ id: 'p', type: 'pager', number: '5', callWaiting: 'hold', dialPlan: null });
    const issues = (input: unknown) => {
      try {
        loadSettings(input, edition);
        return [];
      } catch (error) {
        return (error as { issues: { path: string; message: string }[] }).issues;
      }
    };
    // No default line: the first plugin cannot be built from its type alone.
    expect(issues({})).toEqual([{ path: 'lines', message: expect.stringMatching(/add a line, e.g. "lines": \[\{ "id": "desk", "type": "pager"/) }]);
    expect(
      issues({
        lines: [{ id: 'p', type: 'pager', number: '' }],
        actionUrls: {
          slots: [
            { on: 'inbound', url: 'http://h/' },
            { on: 'inbound', url: 'http://h/' },
          ],
        },
      }).map((i) => i.path),
    ).toEqual(expect.arrayContaining(['lines[0].number', 'actionUrls.slots']));
  });
});

describe('issues in one pass, in words a user understands', () => {
  const issuesOf = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return (error as SettingsError).issues;
    }
    throw new Error('expected a SettingsError');
  };

  it('names the field, what it takes and what was given; template errors of valid slots come with the schema issues', () => {
    const issues = issuesOf(() =>
      loadSettings({
        inbound: { port: '61234', enabled: 'yes', tokn: 'x' },
        actionUrls: {
          slots: [
            { on: 'ringing', url: 'http://x/<$nope>' },
            { on: 'inbound', url: 'http://x/<$nope>' },
          ],
        },
      }),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'inbound.port', message: 'inbound.port must be a whole number between 1 and 65535, got "61234"' },
        { path: 'inbound.enabled', message: 'inbound.enabled must be true or false, got "yes"' },
        { path: 'inbound', message: 'inbound has unknown field "tokn"; remove it or check its spelling' },
        expect.objectContaining({ path: 'actionUrls.slots[1].url', message: expect.stringContaining('unknown placeholder "<$nope>"') }),
      ]),
    );
    // The slot with a schema issue is reported by that issue, not twice.
    expect(issues.filter((i) => i.path.startsWith('actionUrls.slots[0]')).map((i) => i.path)).toEqual(['actionUrls.slots[0].on']);
  });

  it('never quotes a secret it refuses', () => {
    const issues = issuesOf(() => loadSettings({ inbound: { token: 'short-secret' } }));
    expect(JSON.stringify(issues)).not.toContain('short-secret');
  });

  it('points at a JSON syntax error by line and column', () => {
    expect(issuesOf(() => loadSettingsText('{\n  "inbound": {\n    "port": 1,\n  }\n}'))[0]!.message).toMatch(/^not valid JSON at line 4 column 3: /);
    expect(issuesOf(() => loadSettingsText('{"a":1'))[0]!.message).toMatch(/^not valid JSON at line 1 column 7: /);
  });
});

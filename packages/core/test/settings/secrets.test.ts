import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  createMaskedSettingsSchema,
  LINE_COMMON_FIELDS,
  simulatorLine,
  type EditionLimits,
  type LineSchemaSource,
  isSecretHeader,
  loadSettings,
  loadSettingsText,
  maskCredentials,
  maskCredentialsAt,
  maskSettings,
  restoreSecrets,
  SettingsError,
  settingsJsonSchema,
  type Settings,
} from '../../src/index.js';

// A line type with a password, declared the way the SIP plugin declares it (core knows no SIP).
const accountLine: LineSchemaSource = {
  type: 'sip',
  settingsSchema: z.strictObject({
    type: z.literal('sip'),
    aor: z.string(),
    password: z.string().default(''),
    registrar: z.string().optional(),
    ...LINE_COMMON_FIELDS,
  }),
  secrets: {
    fields: ['password'],
    account: (line) => `${String(line.aor).toLowerCase()} via ${typeof line.registrar === 'string' ? line.registrar.toLowerCase() : 'its domain'}`,
    accountLabel: 'the address of record or registrar',
  },
};
const EDITION: EditionLimits = { linePlugins: [simulatorLine, accountLine] };

const TOKEN = 'inbound-token-0123456789';
const SIGNING = 'signing-secret-0123456789';
const stored: Settings = loadSettings(
  {
    actionUrls: {
      enabled: true,
      slots: [
        {
          on: 'inbound',
          url: 'https://crm.example.com/in?n=<$remote_party>',
          headers: { Authorization: 'Bearer crm-bearer', 'X-Api-Key': 'api-key-value', Accept: 'application/json' },
          secret: SIGNING,
        },
        { on: 'connected', url: 'http://127.0.0.1:9000/c' },
      ],
    },
    inbound: { token: TOKEN },
    line: { type: 'sip', aor: 'sip:303@pbx.example.com', password: 'sip-password', registrar: 'pbx.example.com:5060' },
  },
  EDITION,
).settings;

function issuesOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof SettingsError) return error.issues;
    throw error;
  }
  return [];
}

describe('secret header names', () => {
  it.each([
    'Authorization',
    'proxy-authorization',
    'Cookie',
    'X-Api-Key',
    'X-Auth-Token',
    'X-Session-Id',
    'X-Hub-Signature-256',
    'X-Client-Secret',
    'X-Password',
    'apikey',
  ])('%s is a secret', (name) => expect(isSecretHeader(name)).toBe(true));
  it.each(['Accept', 'Content-Language', 'X-Request-Source', 'User-Agent'])('%s is not', (name) => expect(isSecretHeader(name)).toBe(false));
});

describe('maskSettings', () => {
  const masked = maskSettings(stored, EDITION);

  it('shows every set secret as {"set": true} and nothing of its value', () => {
    const slot = masked.actionUrls.slots[0]!;
    expect(slot.headers).toEqual({ Authorization: { set: true }, 'X-Api-Key': { set: true }, Accept: 'application/json' });
    expect(slot.secret).toEqual({ set: true });
    expect(masked.inbound.token).toEqual({ set: true });
    expect(masked.lines[0]!.password).toEqual({ set: true });
    const text = JSON.stringify(masked);
    for (const secret of [TOKEN, SIGNING, 'crm-bearer', 'api-key-value', 'sip-password']) expect(text).not.toContain(secret);
  });

  it('leaves unset secrets as null or "" and the stored settings untouched', () => {
    expect(masked.actionUrls.slots[1]!.secret).toBeNull();
    const bare = maskSettings(loadSettings({ line: { type: 'sip', aor: 'sip:1@h' } }, EDITION).settings, EDITION);
    expect(bare.inbound.token).toBeNull();
    expect(bare.lines[0]!.password).toBe('');
    expect(stored.inbound.token).toBe(TOKEN);
  });

  it('is a document the masked schema (and its JSON Schema) accepts', () => {
    expect(createMaskedSettingsSchema(EDITION).safeParse(JSON.parse(JSON.stringify(masked))).success).toBe(true);
    const json = JSON.stringify(settingsJsonSchema(EDITION, { masked: true }));
    expect(json).toContain('"set"');
    expect(JSON.stringify(settingsJsonSchema())).not.toContain('"set"');
  });

  it("is made for a line type whose schema has refinements (as the SIP line's has)", () => {
    // zod 4's extend() refuses to overwrite keys of a refined object; the masked schema replaces the secret fields.
    const refined: LineSchemaSource = { ...accountLine, settingsSchema: accountLine.settingsSchema.refine((line) => line.aor !== line.password, 'no') };
    const edition: EditionLimits = { linePlugins: [simulatorLine, refined] };
    expect(JSON.stringify(settingsJsonSchema(edition, { masked: true }))).toContain('"set"');
    const doc = maskSettings(loadSettings({ line: { type: 'sip', aor: 'sip:1@h', password: 'pw' } }, edition).settings, edition);
    expect(createMaskedSettingsSchema(edition).safeParse(JSON.parse(JSON.stringify(doc))).success).toBe(true);
  });
});

describe('restoreSecrets', () => {
  // A document as a client holds it: plain JSON, edited freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately untyped client JSON
  const masked = (): Record<string, any> => JSON.parse(JSON.stringify(maskSettings(stored, EDITION)));

  it('keeps every stored secret when the markers come back', () => {
    const { settings } = loadSettings(restoreSecrets(masked(), stored, EDITION), EDITION);
    expect(settings).toEqual(stored);
  });

  it('matches a header marker to the stored header in any case', () => {
    const doc = masked();
    doc.actionUrls.slots[0].headers = { authorization: { set: true } };
    expect(loadSettings(restoreSecrets(doc, stored, EDITION), EDITION).settings.actionUrls.slots[0]!.headers).toEqual({ authorization: 'Bearer crm-bearer' });
  });

  it('replaces secrets given a new value and removes them given null, "" or no header', () => {
    const doc = masked();
    doc.actionUrls.slots[0].headers = { Authorization: 'Bearer new-one' };
    doc.actionUrls.slots[0].secret = null;
    doc.inbound.token = 'a-brand-new-token-0123';
    doc.lines[0].password = '';
    const { settings } = loadSettings(restoreSecrets(doc, stored, EDITION), EDITION);
    expect(settings.actionUrls.slots[0]!.headers).toEqual({ Authorization: 'Bearer new-one' });
    expect(settings.actionUrls.slots[0]!.secret).toBeNull();
    expect(settings.inbound.token).toBe('a-brand-new-token-0123');
    expect(settings.lines[0]!.password).toBe('');
    doc.inbound.token = null;
    expect(loadSettings(restoreSecrets(doc, stored, EDITION), EDITION).settings.inbound.token).toBeNull();
  });

  it('refuses a marker that stands for nothing, naming the field and the fix', () => {
    const doc = masked();
    doc.actionUrls.slots[1].headers = { 'X-Api-Key': { set: true } };
    doc.actionUrls.slots[1].secret = { set: true };
    expect(issuesOf(() => restoreSecrets(doc, stored, EDITION))).toEqual([
      { path: 'actionUrls.slots[1].headers.X-Api-Key', message: expect.stringMatching(/has none saved; send the value itself/) },
      { path: 'actionUrls.slots[1].secret', message: expect.stringMatching(/has none saved/) },
    ]);
    const none = loadSettings({}).settings;
    expect(issuesOf(() => restoreSecrets({ inbound: { token: { set: true } } }, none, EDITION))).toEqual([
      { path: 'inbound.token', message: expect.stringMatching(/none is stored; send a new token .* or null/) },
    ]);
    expect(issuesOf(() => restoreSecrets({ line: { type: 'sip', aor: 'sip:303@pbx.example.com', password: { set: true } } }, none, EDITION))[0]?.path).toBe(
      'line.password',
    );
  });

  it('does not let a stored credential follow a slot to another receiver', () => {
    const doc = masked();
    doc.actionUrls.slots[0].url = 'https://attacker.example/collect';
    const issues = issuesOf(() => restoreSecrets(doc, stored, EDITION));
    expect(issues.map((i) => i.path)).toEqual([
      'actionUrls.slots[0].headers.Authorization',
      'actionUrls.slots[0].headers.X-Api-Key',
      'actionUrls.slots[0].secret',
    ]);
    expect(issues[0]!.message).toMatch(/now sends to https:\/\/attacker\.example, not to https:\/\/crm\.example\.com; .* type it again or remove it/);
    // Same origin, another path and placeholders: still the same receiver.
    doc.actionUrls.slots[0].url = 'https://CRM.example.com:443/other?x=<$call_guid>';
    expect(loadSettings(restoreSecrets(doc, stored, EDITION), EDITION).settings.actionUrls.slots[0]!.secret).toBe(SIGNING);
  });

  it('does not let the stored SIP password follow the line to another registrar or account', () => {
    const doc = masked();
    doc.lines[0].registrar = 'evil.example:5060';
    expect(issuesOf(() => restoreSecrets(doc, stored, EDITION))).toEqual([
      { path: 'lines[0].password', message: expect.stringMatching(/registrar changed.*type it again/) },
    ]);
    const other = masked();
    other.lines[0].aor = 'sip:304@pbx.example.com';
    expect(issuesOf(() => restoreSecrets(other, stored, EDITION))[0]?.path).toBe('lines[0].password');
    // The one-line shorthand is matched to the stored line "default" the same way.
    expect(
      issuesOf(() =>
        restoreSecrets({ line: { type: 'sip', aor: 'sip:303@pbx.example.com', registrar: 'evil.example', password: { set: true } } }, stored, EDITION),
      )[0]?.path,
    ).toBe('line.password');
  });

  it('masks and keeps the secrets of every line, matched by id, and refuses a marker for a line that has none', () => {
    const many = loadSettings(
      {
        lines: [
          { id: 'demo', type: 'simulator' },
          { id: 'desk-12', type: 'sip', aor: 'sip:12@pbx.example.com', password: 'desk-12-password' },
          { id: 'desk-13', type: 'sip', aor: 'sip:13@pbx.example.com', password: 'desk-13-password' },
        ],
      },
      EDITION,
    ).settings;
    const doc = JSON.parse(JSON.stringify(maskSettings(many, EDITION)));
    expect(doc.lines.map((line: { password?: unknown }) => line.password)).toEqual([undefined, { set: true }, { set: true }]);
    expect(JSON.stringify(doc)).not.toMatch(/desk-1\d-password/);
    doc.lines.reverse(); // the order changed: each marker still finds its own line
    const { settings } = loadSettings(restoreSecrets(doc, many, EDITION), EDITION);
    expect(settings.lines.map((line) => [line.id, line.password])).toEqual([
      ['desk-13', 'desk-13-password'],
      ['desk-12', 'desk-12-password'],
      ['demo', undefined],
    ]);
    doc.lines.push({ id: 'desk-14', type: 'sip', aor: 'sip:14@pbx.example.com', password: { set: true } });
    expect(issuesOf(() => restoreSecrets(doc, many, EDITION))).toEqual([{ path: 'lines[3].password', message: expect.stringMatching(/none is stored/) }]);
  });

  it('masks a line password even when the caller does not name the edition', () => {
    const text = JSON.stringify(maskSettings(stored));
    expect(text).not.toContain('sip-password');
    // and a marker for it only stays while nothing else of the line changed
    const doc = JSON.parse(text);
    expect(loadSettings(restoreSecrets(doc, stored), EDITION).settings.lines[0]!.password).toBe('sip-password');
    doc.lines[0].registrar = 'evil.example';
    expect(issuesOf(() => restoreSecrets(doc, stored))[0]?.path).toBe('lines[0].password');
  });

  it('refuses a marker in a settings file with a message saying what it is', () => {
    const issues = issuesOf(() => loadSettings({ inbound: { token: { set: true } } }));
    expect(issues).toEqual([
      { path: 'inbound.token', message: expect.stringMatching(/only stands for a secret callhook already keeps.*write the value itself/) },
    ]);
  });
});

describe('credentials in messages', () => {
  it('drops the text V8 quotes from a JSON syntax error', () => {
    const issues = issuesOf(() => loadSettingsText('hunter2-password'));
    expect(issues[0]!.message).toMatch(/^not valid JSON at line 1 column 1: Unexpected token/);
    expect(issues[0]!.message).not.toContain('hunter2');
  });

  it.each([
    ['http://bob:pa55@crm.example.com/x failed', 'http://bob:***@crm.example.com/x failed'],
    ['redirect to https://u:p%40ss@h:8443/ refused', 'redirect to https://u:***@h:8443/ refused'],
    ['bad address of record sip:303:hunter2@pbx.example.com', 'bad address of record sip:303:***@pbx.example.com'],
    ['header Authorization: Bearer abc.def-ghi, retry', 'header Authorization: Bearer ***, retry'],
    ['Basic dXNlcjpwYXNz', 'Basic ***'],
    // The listener's 401 says how to send the token; the placeholder is no credential (the CLI prints it masked).
    ['send "Authorization: Bearer <token>" or add token=<token>', 'send "Authorization: Bearer <token>" or add token=<token>'],
    ['Bearer <token>abc', 'Bearer ***'],
    ['user bob@example.com at https://crm.example.com:8443/', 'user bob@example.com at https://crm.example.com:8443/'],
    ['sip:303@pbx.example.com:5060', 'sip:303@pbx.example.com:5060'],
  ])('maskCredentials(%j)', (text, masked) => {
    expect(maskCredentials(text)).toBe(masked);
  });

  it('moves a position to the same character of the masked text (maskCredentialsAt), into the mask when it was in a secret', () => {
    const text = 'http://bob:hunter2@crm.test/a and sip:303:pw@pbx.test then Bearer abc.def x';
    const { text: masked } = maskCredentialsAt(text, 0);
    expect(masked).toBe(maskCredentials(text));
    expect(masked).toBe('http://bob:***@crm.test/a and sip:303:***@pbx.test then Bearer *** x');
    for (const character of ['http', '@crm', '/a and', '@pbx', 'then', 'Bearer', ' x']) {
      const { offset } = maskCredentialsAt(text, text.indexOf(character));
      expect(masked.slice(offset)).toMatch(new RegExp(`^${character.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    }
    expect(maskCredentialsAt(text, text.indexOf('nter2')).offset).toBe(masked.indexOf('***@crm'));
    expect(maskCredentialsAt(text, text.indexOf('pw@')).offset).toBe(masked.indexOf('***@pbx'));
    expect(maskCredentialsAt('no credentials here', 7)).toEqual({ text: 'no credentials here', offset: 7 });
  });
});

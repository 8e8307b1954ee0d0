import { describe, expect, it } from 'vitest';
import {
  createMaskedSettingsSchema,
  isSecretHeader,
  loadSettings,
  loadSettingsText,
  maskCredentials,
  maskSettings,
  restoreSecrets,
  SettingsError,
  settingsJsonSchema,
  type Settings,
} from '../../src/index.js';

const TOKEN = 'inbound-token-0123456789';
const SIGNING = 'signing-secret-0123456789';
const stored: Settings = loadSettings({
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
}).settings;

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
  it.each(['Authorization', 'proxy-authorization', 'Cookie', 'X-Api-Key', 'X-Auth-Token', 'X-Session-Id', 'X-Hub-Signature-256', 'X-Client-Secret', 'X-Password', 'apikey'])(
    '%s is a secret',
    (name) => expect(isSecretHeader(name)).toBe(true),
  );
  it.each(['Accept', 'Content-Language', 'X-Request-Source', 'User-Agent'])('%s is not', (name) => expect(isSecretHeader(name)).toBe(false));
});

describe('maskSettings', () => {
  const masked = maskSettings(stored);

  it('shows every set secret as {"set": true} and nothing of its value', () => {
    const slot = masked.actionUrls.slots[0]!;
    expect(slot.headers).toEqual({ Authorization: { set: true }, 'X-Api-Key': { set: true }, Accept: 'application/json' });
    expect(slot.secret).toEqual({ set: true });
    expect(masked.inbound.token).toEqual({ set: true });
    expect(masked.line.type === 'sip' && masked.line.password).toEqual({ set: true });
    const text = JSON.stringify(masked);
    for (const secret of [TOKEN, SIGNING, 'crm-bearer', 'api-key-value', 'sip-password']) expect(text).not.toContain(secret);
  });

  it('leaves unset secrets as null or "" and the stored settings untouched', () => {
    expect(masked.actionUrls.slots[1]!.secret).toBeNull();
    const bare = maskSettings(loadSettings({ line: { type: 'sip', aor: 'sip:1@h' } }).settings);
    expect(bare.inbound.token).toBeNull();
    expect(bare.line.type === 'sip' && bare.line.password).toBe('');
    expect(stored.inbound.token).toBe(TOKEN);
  });

  it('is a document the masked schema (and its JSON Schema) accepts', () => {
    expect(createMaskedSettingsSchema().safeParse(JSON.parse(JSON.stringify(masked))).success).toBe(true);
    const json = JSON.stringify(settingsJsonSchema(undefined, { masked: true }));
    expect(json).toContain('"set"');
    expect(JSON.stringify(settingsJsonSchema())).not.toContain('"set"');
  });
});

describe('restoreSecrets', () => {
  // A document as a client holds it: plain JSON, edited freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately untyped client JSON
  const masked = (): Record<string, any> => JSON.parse(JSON.stringify(maskSettings(stored)));

  it('keeps every stored secret when the markers come back', () => {
    const { settings } = loadSettings(restoreSecrets(masked(), stored));
    expect(settings).toEqual(stored);
  });

  it('matches a header marker to the stored header in any case', () => {
    const doc = masked();
    doc.actionUrls.slots[0].headers = { authorization: { set: true } };
    expect(loadSettings(restoreSecrets(doc, stored)).settings.actionUrls.slots[0]!.headers).toEqual({ authorization: 'Bearer crm-bearer' });
  });

  it('replaces secrets given a new value and removes them given null, "" or no header', () => {
    const doc = masked();
    doc.actionUrls.slots[0].headers = { Authorization: 'Bearer new-one' };
    doc.actionUrls.slots[0].secret = null;
    doc.inbound.token = 'a-brand-new-token-0123';
    doc.line.password = '';
    const { settings } = loadSettings(restoreSecrets(doc, stored));
    expect(settings.actionUrls.slots[0]!.headers).toEqual({ Authorization: 'Bearer new-one' });
    expect(settings.actionUrls.slots[0]!.secret).toBeNull();
    expect(settings.inbound.token).toBe('a-brand-new-token-0123');
    expect(settings.line.type === 'sip' && settings.line.password).toBe('');
    doc.inbound.token = null;
    expect(loadSettings(restoreSecrets(doc, stored)).settings.inbound.token).toBeNull();
  });

  it('refuses a marker that stands for nothing, naming the field and the fix', () => {
    const doc = masked();
    doc.actionUrls.slots[1].headers = { 'X-Api-Key': { set: true } };
    doc.actionUrls.slots[1].secret = { set: true };
    expect(issuesOf(() => restoreSecrets(doc, stored))).toEqual([
      { path: 'actionUrls.slots[1].headers.X-Api-Key', message: expect.stringMatching(/has none saved; send the value itself/) },
      { path: 'actionUrls.slots[1].secret', message: expect.stringMatching(/has none saved/) },
    ]);
    const none = loadSettings({}).settings;
    expect(issuesOf(() => restoreSecrets({ inbound: { token: { set: true } } }, none))).toEqual([
      { path: 'inbound.token', message: expect.stringMatching(/none is stored; send a new token .* or null/) },
    ]);
    expect(issuesOf(() => restoreSecrets({ line: { type: 'sip', aor: 'sip:303@pbx.example.com', password: { set: true } } }, none))[0]?.path).toBe('line.password');
  });

  it('does not let a stored credential follow a slot to another receiver', () => {
    const doc = masked();
    doc.actionUrls.slots[0].url = 'https://attacker.example/collect';
    const issues = issuesOf(() => restoreSecrets(doc, stored));
    expect(issues.map((i) => i.path)).toEqual(['actionUrls.slots[0].headers.Authorization', 'actionUrls.slots[0].headers.X-Api-Key', 'actionUrls.slots[0].secret']);
    expect(issues[0]!.message).toMatch(/now sends to https:\/\/attacker\.example, not to https:\/\/crm\.example\.com; .* type it again or remove it/);
    // Same origin, another path and placeholders: still the same receiver.
    doc.actionUrls.slots[0].url = 'https://CRM.example.com:443/other?x=<$call_guid>';
    expect(loadSettings(restoreSecrets(doc, stored)).settings.actionUrls.slots[0]!.secret).toBe(SIGNING);
  });

  it('does not let the stored SIP password follow the line to another registrar or account', () => {
    const doc = masked();
    doc.line.registrar = 'evil.example:5060';
    expect(issuesOf(() => restoreSecrets(doc, stored))).toEqual([{ path: 'line.password', message: expect.stringMatching(/registrar changed.*type it again/) }]);
    const other = masked();
    other.line.aor = 'sip:304@pbx.example.com';
    expect(issuesOf(() => restoreSecrets(other, stored))[0]?.path).toBe('line.password');
  });

  it('refuses a marker in a settings file with a message saying what it is', () => {
    const issues = issuesOf(() => loadSettings({ inbound: { token: { set: true } } }));
    expect(issues).toEqual([{ path: 'inbound.token', message: expect.stringMatching(/only stands for a secret callhook already keeps.*write the value itself/) }]);
  });
});

describe('credentials in messages', () => {
  it('refuses a password in the SIP address of record', () => {
    expect(issuesOf(() => loadSettings({ line: { type: 'sip', aor: 'sip:303:hunter2@pbx.example.com' } }))).toEqual([
      { path: 'line.aor', message: expect.stringMatching(/put it in line.password/) },
    ]);
    expect(loadSettings({ line: { type: 'sip', aor: 'sip:303@pbx.example.com:5060' } }).settings.line.type).toBe('sip');
  });

  it('drops the text V8 quotes from a JSON syntax error', () => {
    const issues = issuesOf(() => loadSettingsText('hunter2-password'));
    expect(issues[0]!.message).toMatch(/^not valid JSON: Unexpected token/);
    expect(issues[0]!.message).not.toContain('hunter2');
  });

  it.each([
    ['http://bob:pa55@crm.example.com/x failed', 'http://bob:***@crm.example.com/x failed'],
    ['redirect to https://u:p%40ss@h:8443/ refused', 'redirect to https://u:***@h:8443/ refused'],
    ['bad address of record sip:303:hunter2@pbx.example.com', 'bad address of record sip:303:***@pbx.example.com'],
    ['header Authorization: Bearer abc.def-ghi, retry', 'header Authorization: Bearer ***, retry'],
    ['Basic dXNlcjpwYXNz', 'Basic ***'],
    ['user bob@example.com at https://crm.example.com:8443/', 'user bob@example.com at https://crm.example.com:8443/'],
    ['sip:303@pbx.example.com:5060', 'sip:303@pbx.example.com:5060'],
  ])('maskCredentials(%j)', (text, masked) => {
    expect(maskCredentials(text)).toBe(masked);
  });
});

import { LINE_COMMON_FIELDS, SimulatedLine, SPEC_EXAMPLE_CALL, type LinePlugin } from '@callhook/core';
import * as z from 'zod';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsFile, simulatorLinePlugin, systemClock, type ServerEdition } from '../../src/index.js';
import { testApp, testSettings, TOKEN, type TestApp } from '../support/test-app.js';

let t: TestApp;
afterEach(async () => t?.close());
const auth = { authorization: `Bearer ${TOKEN}` };
const SIGNING = 'slot-signing-secret-0123456789';
const SECRETS = [TOKEN, SIGNING, 'Bearer crm-bearer-value', 'cookie-value', 'api-key-value', 'sip-password-value'];

function settingsWithSecrets() {
  return testSettings(
    { token: TOKEN },
    {
      actionUrls: {
        enabled: true,
        slots: [
          {
            on: 'inbound',
            url: 'http://127.0.0.1:9/in?n=<$remote_party>',
            headers: { Authorization: 'Bearer crm-bearer-value', Cookie: 'cookie-value', 'X-Api-Key': 'api-key-value', Accept: 'text/plain' },
            secret: SIGNING,
          },
        ],
      },
    },
  );
}

async function startWithFile() {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-secrets-'));
  const file = join(dir, 'settings.json');
  const store = new SettingsFile(file);
  t = await testApp(settingsWithSecrets(), { settingsStore: store });
  store.save(t.engine.settings.settings);
  return file;
}

const get = async () => (await t.app.inject({ url: '/api/v1/settings', headers: auth })).json();
const put = (payload: unknown) => t.app.inject({ method: 'PUT', url: '/api/v1/settings', headers: auth, payload: payload as object });

describe('secrets through the control API', () => {
  it('GET shows every secret as {"set": true} and never its value', async () => {
    await startWithFile();
    const res = await t.app.inject({ url: '/api/v1/settings', headers: auth });
    for (const secret of SECRETS) expect(res.body).not.toContain(secret);
    expect(res.json().settings.inbound.token).toEqual({ set: true });
    expect(res.json().settings.actionUrls.slots[0]).toMatchObject({
      headers: { Authorization: { set: true }, Cookie: { set: true }, 'X-Api-Key': { set: true }, Accept: 'text/plain' },
      secret: { set: true },
    });
  });

  it('a PUT of what GET answered keeps every stored secret: in the file (0600), live, and still write-only', async () => {
    const file = await startWithFile();
    const { settings } = await get();
    settings.actionUrls.slots[0].url = 'http://127.0.0.1:9/other?n=<$remote_party>';
    const res = await put(settings);
    expect(res.statusCode).toBe(200);
    for (const secret of SECRETS) expect(res.body).not.toContain(secret);
    const onDisk = JSON.parse(readFileSync(file, 'utf8'));
    expect(onDisk.inbound.token).toBe(TOKEN);
    expect(onDisk.actionUrls.slots[0]).toMatchObject({
      url: 'http://127.0.0.1:9/other?n=<$remote_party>',
      secret: SIGNING,
      headers: { Authorization: 'Bearer crm-bearer-value' },
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The old token still opens the API, and a delivery still carries the stored header and signature.
    t.line.incoming('420');
    await t.engine.dispatcher.drain(30_000);
    const sent = t.fetcher.requests.at(-1)!;
    expect(sent.url).toBe('http://127.0.0.1:9/other?n=420');
    expect(sent.headers).toMatchObject({ Authorization: 'Bearer crm-bearer-value', 'X-Api-Key': 'api-key-value' });
    expect(sent.signingSecret).toBe(SIGNING);
  });

  it('a new value replaces a secret and null or a missing header removes it', async () => {
    const file = await startWithFile();
    const { settings } = await get();
    settings.actionUrls.slots[0].headers = { Authorization: 'Bearer replaced-value' };
    settings.actionUrls.slots[0].secret = null;
    settings.inbound.token = 'a-replaced-token-0123456789';
    const res = await put(settings);
    expect(res.json().settings.actionUrls.slots[0]).toMatchObject({ headers: { Authorization: { set: true } }, secret: null });
    const onDisk = JSON.parse(readFileSync(file, 'utf8'));
    expect(onDisk.actionUrls.slots[0].headers).toEqual({ Authorization: 'Bearer replaced-value' });
    expect(onDisk.actionUrls.slots[0].secret).toBeNull();
    expect(onDisk.inbound.token).toBe('a-replaced-token-0123456789');
    expect((await t.app.inject({ url: '/api/v1/settings', headers: auth })).statusCode).toBe(401);
  });

  it('refuses a stored secret for a slot that now sends elsewhere, naming the field and the fix', async () => {
    await startWithFile();
    const { settings } = await get();
    settings.actionUrls.slots[0].url = 'http://198.51.100.7/collect';
    const res = await put(settings);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid_settings' });
    const paths = res.json().details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual([
      'actionUrls.slots[0].headers.Authorization',
      'actionUrls.slots[0].headers.Cookie',
      'actionUrls.slots[0].headers.X-Api-Key',
      'actionUrls.slots[0].secret',
    ]);
    expect(res.json().message).toMatch(/now sends to http:\/\/198\.51\.100\.7.*type it again or remove it/);
    expect(t.engine.settings.settings.actionUrls.slots[0]!.url).toBe('http://127.0.0.1:9/in?n=<$remote_party>');
  });

  it('keeps and masks a line password the same way, on every line and in the "line" shorthand', async () => {
    // A line type with a password, declared as the SIP plugin declares it (the server knows no SIP).
    const pbx: LinePlugin = {
      type: 'pbx',
      settingsSchema: z.strictObject({
        type: z.literal('pbx'),
        aor: z.string(),
        password: z.string().default(''),
        registrar: z.string().optional(),
        ...LINE_COMMON_FIELDS,
      }),
      create: () => new SimulatedLine({ clock: systemClock, answerAfterMs: null }),
      secrets: {
        fields: ['password'],
        account: (line) => `${String(line.aor)} via ${String(line.registrar)}`,
        accountLabel: 'the address of record or registrar',
      },
    };
    const edition: ServerEdition = { linePlugins: [simulatorLinePlugin, pbx] };
    const dir = mkdtempSync(join(tmpdir(), 'callhook-secrets-'));
    const store = new SettingsFile(join(dir, 'settings.json'));
    t = await testApp(settingsWithSecrets(), { settingsStore: store, edition });
    const { settings } = await get();
    settings.lines = [
      ...settings.lines,
      { id: 'desk-12', type: 'pbx', aor: 'sip:12@pbx.example.com', password: 'sip-password-value' },
      { id: 'desk-13', type: 'pbx', aor: 'sip:13@pbx.example.com', password: 'sip-password-value-13' },
    ];
    const first = (await put(settings)).json();
    expect(first.settings.lines.map((l: { password?: unknown }) => l.password)).toEqual([undefined, { set: true }, { set: true }]);
    const again = (await get()).settings;
    expect(JSON.stringify(again)).not.toContain('sip-password-value');
    expect((await put(again)).statusCode).toBe(200);
    const stored = JSON.parse(readFileSync(store.path, 'utf8'));
    expect(stored.lines.map((l: { password?: unknown }) => l.password)).toEqual([undefined, 'sip-password-value', 'sip-password-value-13']);
    again.lines[2].registrar = 'evil.example:5060';
    const moved = await put(again);
    expect(moved.json().details.issues).toEqual([{ path: 'lines[2].password', message: expect.stringMatching(/registrar changed/) }]);
    // The one-line shorthand names the line "default": a marker for it finds no stored password there.
    const shorthand = await put({ ...again, lines: undefined, line: { type: 'pbx', aor: 'sip:12@pbx.example.com', password: { set: true } } });
    expect(shorthand.json().details.issues).toEqual([{ path: 'line.password', message: expect.stringMatching(/none is stored/) }]);
  });

  it('the Test button fires a saved slot with its stored secrets, and only for the same receiver', async () => {
    await startWithFile();
    const { settings } = await get();
    const slot = settings.actionUrls.slots[0];
    const test = (body: object) => t.app.inject({ method: 'POST', url: '/api/v1/slots/test', headers: auth, payload: body });
    const ok = await test({ slot, index: 0, action: 'inbound', call: SPEC_EXAMPLE_CALL });
    expect(ok.json()).toMatchObject({ ok: true, record: { outcome: 'delivered' } });
    expect(t.fetcher.requests.at(-1)!.headers).toMatchObject({ Authorization: 'Bearer crm-bearer-value' });
    expect(t.fetcher.requests.at(-1)!.signingSecret).toBe(SIGNING);
    const elsewhere = await test({ slot: { ...slot, url: 'http://198.51.100.7/x' }, index: 0, action: 'inbound', call: SPEC_EXAMPLE_CALL });
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().details.issues[0]).toMatchObject({ path: 'slot.headers.Authorization' });
    const noIndex = await test({ slot, action: 'inbound', call: SPEC_EXAMPLE_CALL });
    expect(noIndex.json().details.issues[0]).toMatchObject({ path: 'slot.headers.Authorization', message: expect.stringMatching(/none saved/) });
  });

  it('publishes the masked form in openapi.json', async () => {
    t = await testApp(settingsWithSecrets());
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    expect(JSON.stringify(doc.components.schemas.Settings)).toContain('"set"');
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testApp, testSettings, TOKEN, type TestApp } from '../support/test-app.js';

let t: TestApp;
afterEach(async () => t?.close());
const auth = { authorization: `Bearer ${TOKEN}` };

describe('console controls', () => {
  it('POST /api/v1/commands carries out an InboundCommand behind the token', async () => {
    t = await testApp(testSettings({ token: TOKEN, actions: { make_call: false } }));
    const post = (payload: object, headers: Record<string, string> = auth) => t.app.inject({ method: 'POST', url: '/api/v1/commands', headers, payload });
    expect((await post({ action: 'make_call', target: '123' }, {})).statusCode).toBe(401);
    expect((await post({ action: 'make_call', target: '123' })).json()).toMatchObject({ ok: true, action: 'make_call', call: { remoteParty: '123' } });
    expect((await post({ action: 'make_call', target: 'abc' })).json()).toMatchObject({ code: 'invalid_target' });
    expect((await post({ action: 'explode' })).json()).toMatchObject({ code: 'bad_request' });
    expect((await post({ action: 'answer', call: null })).json()).toMatchObject({ code: 'wrong_call_state' });
  });

  it('names the missing field of a command and what it takes, as the inbound URL parser does', async () => {
    t = await testApp(testSettings({ token: TOKEN }));
    const post = async (payload: object) => (await t.app.inject({ method: 'POST', url: '/api/v1/commands', headers: auth, payload })).json();
    for (const action of ['make_call', 'transfer']) {
      expect(await post({ action })).toMatchObject({
        code: 'bad_request',
        message: `target: ${action === 'make_call' ? 'make_call' : 'transfer'} needs "target": a phone number or a sip:/tel: URI`,
      });
    }
    expect(await post({ action: 'make_call', target: '' })).toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/^target: make_call needs "target"/),
    });
    expect(await post({ action: 'dtmf' })).toMatchObject({ code: 'bad_request', message: 'digits: dtmf needs "digits": 1–32 of 0-9, *, #, A-D' });
    const unknown = await post({ action: 'explode' });
    expect(unknown).toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/action: .*one of make_call, answer, hangup, hold, unhold, transfer, dtmf/),
    });
  });

  it('tests an unsaved slot once and replays a logged GET delivery', async () => {
    t = await testApp(
      testSettings({ token: TOKEN }, { actionUrls: { enabled: true, slots: [{ on: 'inbound', url: 'http://127.0.0.1:9/in?n=<$remote_party>' }] } }),
    );
    const call = t.engine.activeCalls()[0] ?? (t.line.incoming('420', 'Michael D785'), t.engine.activeCalls()[0]!);
    const test = await t.app.inject({
      method: 'POST',
      url: '/api/v1/slots/test',
      headers: auth,
      payload: { slot: { on: 'connected', url: 'http://127.0.0.1:9/test?a=<$action>&n=<$remote_party>' }, action: 'connected', call },
    });
    expect(test.json()).toMatchObject({ ok: true, record: { outcome: 'delivered', url: 'http://127.0.0.1:9/test?a=connected&n=420' } });
    await t.engine.dispatcher.drain(30_000);
    const logged = (await t.app.inject({ url: '/api/v1/deliveries', headers: auth })).json().deliveries.find((r: { action: string }) => r.action === 'inbound');
    const replay = await t.app.inject({ method: 'POST', url: `/api/v1/deliveries/${encodeURIComponent(logged.deliveryId)}/replay`, headers: auth });
    expect(replay.json()).toMatchObject({ ok: true, record: { url: 'http://127.0.0.1:9/in?n=420', outcome: 'delivered' } });
    const firstKey = t.fetcher.requests.at(-1)!.headers['Idempotency-Key'];
    expect(firstKey).toMatch(new RegExp(`^${logged.deliveryId}:replay:[0-9a-z]+-\\d+$`));
    await t.app.inject({ method: 'POST', url: `/api/v1/deliveries/${encodeURIComponent(logged.deliveryId)}/replay`, headers: auth });
    expect(t.fetcher.requests.at(-1)!.headers['Idempotency-Key']).not.toBe(firstKey); // each replay is its own delivery
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/deliveries/nope/replay', headers: auth })).statusCode).toBe(400);
  });
});

describe('web console mount', () => {
  it('serves the console under /console/ without the token, and nothing else loosens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callhook-console-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>callhook</title>');
    t = await testApp(testSettings({ token: TOKEN }), { consoleDir: dir });
    const page = await t.app.inject({ url: '/console/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>callhook</title>');
    expect((await t.app.inject({ url: '/console' })).statusCode).toBe(302);
    expect((await t.app.inject({ url: '/api/v1/calls' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/?action=make_call&target=1' })).statusCode).toBe(401);
    const crossSite = await t.app.inject({ url: '/console/', headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' } });
    expect(crossSite.statusCode).toBe(403);
  });
});

import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsFile } from '../../src/index.js';
import { testApp, testSettings, TOKEN, type TestApp } from '../support/test-app.js';

let t: TestApp;
afterEach(async () => t?.close());
const auth = { authorization: `Bearer ${TOKEN}` };

describe('control API', () => {
  it('lists active and recent calls with dispositions, and one call with its deliveries', async () => {
    t = await testApp(
      testSettings({ token: TOKEN }, { actionUrls: { enabled: true, slots: [{ on: 'inbound', url: 'http://127.0.0.1:9/in?n=<$remote_party>' }] } }),
    );
    const missed = t.line.incoming('420', 'Michael D785');
    t.line.remoteHangup(missed);
    t.line.incoming('421');
    await t.engine.dispatcher.drain(30_000);
    const res = await t.app.inject({ url: '/api/v1/calls', headers: auth });
    expect(res.json()).toMatchObject({
      ok: true,
      active: [{ remoteParty: '421', state: 'ringing', disposition: null }],
      recent: [{ remoteParty: '420', state: 'ended', disposition: 'missed' }],
    });
    const guid = res.json().recent[0].guid as string;
    const one = await t.app.inject({ url: `/api/v1/calls/${guid}`, headers: auth });
    expect(one.json()).toMatchObject({ call: { guid }, deliveries: [{ action: 'inbound', url: 'http://127.0.0.1:9/in?n=420', outcome: 'delivered' }] });
    expect((await t.app.inject({ url: '/api/v1/calls/nope', headers: auth })).statusCode).toBe(404);
    const deliveries = await t.app.inject({ url: '/api/v1/deliveries?limit=1', headers: auth });
    expect(deliveries.json()).toMatchObject({ ok: true, deliveries: [{ action: 'inbound' }], stats: { queued: 0 } });
    expect(deliveries.json().deliveries).toHaveLength(1);
    expect((await t.app.inject({ url: '/api/v1/deliveries?limit=0', headers: auth })).json()).toMatchObject({ code: 'bad_request' });
    // A call filter that is no call guid (nor a console test id) is refused naming the field, not answered with nothing.
    const notAGuid = await t.app.inject({ url: '/api/v1/deliveries?call=nonsense', headers: auth });
    expect(notAGuid.statusCode).toBe(400);
    expect(notAGuid.json()).toMatchObject({ code: 'bad_request', message: expect.stringContaining('call takes a call guid') });
    const byGuid = await t.app.inject({ url: `/api/v1/deliveries?call=${guid}`, headers: auth });
    expect(byGuid.json().deliveries).toEqual([expect.objectContaining({ callGuid: guid })]);
    expect((await t.app.inject({ url: '/api/v1/deliveries?call=test:inbound:0', headers: auth })).json()).toMatchObject({ ok: true, deliveries: [] });
  });

  it('validates PUT /settings with core, writes the file atomically and applies it live', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callhook-settings-'));
    const file = join(dir, 'callhook.json');
    writeFileSync(file, '{}');
    t = await testApp(testSettings({ token: TOKEN }), { settingsStore: new SettingsFile(file) });
    const bad = await t.app.inject({ method: 'PUT', url: '/api/v1/settings', headers: auth, payload: { inbound: { port: 0 }, bogus: 1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid_settings' });
    expect(bad.json().details.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['inbound.port', '']));
    expect(readFileSync(file, 'utf8')).toBe('{}');

    const next = testSettings({ token: 'a-brand-new-token-123456', actions: { make_call: false } });
    const ok = await t.app.inject({ method: 'PUT', url: '/api/v1/settings', headers: auth, payload: next });
    expect(ok.json()).toMatchObject({ ok: true, persisted: true, restartRequired: false });
    expect(JSON.parse(readFileSync(file, 'utf8')).inbound.token).toBe('a-brand-new-token-123456');
    expect(readdirSync(dir)).toEqual(['callhook.json']);
    expect((await t.app.inject({ url: '/api/v1/settings', headers: auth })).statusCode).toBe(401);
    const newAuth = { authorization: 'Bearer a-brand-new-token-123456' };
    expect((await t.app.inject({ url: '/?action=make_call&target=1', headers: newAuth })).json()).toMatchObject({ code: 'action_disabled' });
    expect((await t.app.inject({ url: '/api/v1/settings', headers: newAuth })).json()).toMatchObject({ settings: { inbound: { port: 61234 } }, file });
    const moved = await t.app.inject({ method: 'PUT', url: '/api/v1/settings', headers: newAuth, payload: testSettings({ port: 61235 }) });
    expect(moved.json()).toMatchObject({ restartRequired: true });
  });

  it('drives the simulated line: incoming, answer, hangup', async () => {
    t = await testApp();
    const post = (path: string, payload: object = {}) => t.app.inject({ method: 'POST', url: `/api/v1/simulator/${path}`, payload });
    const incoming = await post('incoming', { from: '420', name: 'Michael D785' });
    expect(incoming.json()).toMatchObject({ ok: true, call: { direction: 'inbound', remoteAlias: '"Michael D785" (420)', state: 'ringing' } });
    expect((await post('answer')).json()).toMatchObject({ call: { state: 'connected' } });
    expect((await post('hangup')).json()).toMatchObject({ call: { state: 'ended', disposition: 'answered' } });
    expect((await post('hangup')).json()).toMatchObject({ code: 'no_such_call' });
    expect((await post('incoming', {})).json()).toMatchObject({ code: 'bad_request', message: expect.stringContaining('from') });

    await t.app.inject({ url: '/?action=make_call&target=555' });
    expect((await post('answer')).json()).toMatchObject({ call: { direction: 'outbound', state: 'connected' } });
    expect((await post('hangup')).json()).toMatchObject({ call: { disposition: 'answered' } });
  });

  it('refuses simulator endpoints when no line is the simulator', async () => {
    t = await testApp(testSettings());
    await t.engine.removeLine('default');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/simulator/incoming', payload: { from: '1' } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'not_simulated' });
  });

  it('records what the echo receiver got, without the token in the logged URL', async () => {
    t = await testApp(testSettings({ token: TOKEN }));
    await t.app.inject({ url: `/api/v1/echo?a=inbound&token=${TOKEN}`, headers: { 'idempotency-key': 'k1' } });
    await t.app.inject({ method: 'POST', url: '/api/v1/echo', payload: { x: 1 } });
    const log = await t.app.inject({ url: '/api/v1/echo/log', headers: auth });
    expect(log.json()).toMatchObject({
      total: 2,
      records: [
        { method: 'GET', idempotencyKey: 'k1', url: '/api/v1/echo?a=inbound&token=[redacted]', query: { a: 'inbound', token: '[redacted]' } },
        { method: 'POST', body: '{"x":1}' },
      ],
    });
    expect(log.body).not.toContain(TOKEN);
  });

  it('keeps no token in the echo record however the query spells it, nor in the debug request line of any logger', async () => {
    const lines: string[] = [];
    const logger = { enabled: () => true, log: (_level: string, message: string) => void lines.push(message) };
    t = await testApp(testSettings({ token: TOKEN }), { logger });
    await t.app.inject({ url: `/api/v1/echo?TOKEN=${TOKEN}&token=${TOKEN}x&%74oken=${TOKEN}y&b=2` });
    await t.app.inject({ url: `/?action=make_call&target=1&token=${TOKEN}` });
    const log = await t.app.inject({ url: '/api/v1/echo/log', headers: auth });
    expect(log.json().records[0].query).toMatchObject({ TOKEN: '[redacted]', b: '2' });
    expect(log.body).not.toContain(TOKEN);
    expect(lines.some((l) => l.includes('token=[redacted]'))).toBe(true);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('reports health by line state and Prometheus metrics', async () => {
    t = await testApp(testSettings({}, { actionUrls: { enabled: true, slots: [{ on: 'inbound', url: 'http://127.0.0.1:9/' }] } }));
    t.line.incoming('1');
    await t.engine.dispatcher.drain(30_000);
    const health = await t.app.inject({ url: '/healthz' });
    expect(health.json()).toMatchObject({ ok: true, line: { state: 'ready' } });
    const metrics = await t.app.inject({ url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toContain('callhook_call_events_total{action="inbound"} 1');
    expect(metrics.body).toContain('callhook_deliveries_total{outcome="delivered",mode="http"} 1');
    expect(metrics.body).toContain('callhook_delivery_latency_seconds_bucket');
    expect(metrics.body).toContain('callhook_active_calls 1');
    await t.line.stop();
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(503);
  });

  it('maps fastify errors to the same error body', async () => {
    t = await testApp();
    const res = await t.app.inject({ method: 'PUT', url: '/api/v1/settings', headers: { 'content-type': 'application/json' }, payload: '{not json' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ ok: false, code: 'bad_request' });
    const big = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/settings',
      headers: { 'content-type': 'application/json' },
      payload: `"${'x'.repeat(300_000)}"`,
    });
    expect(big.statusCode).toBe(413);
  });
});

describe('time in the routes', () => {
  it("the echo receiver stamps what arrived with the app's clock, not the wall clock", async () => {
    const at = Date.UTC(2031, 4, 6, 7, 8, 9);
    const clock = {
      now: () => at,
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
      clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
    };
    t = await testApp(testSettings({ token: TOKEN }), { clock });
    await t.app.inject({ url: '/api/v1/echo?n=1' });
    const log = await t.app.inject({ url: '/api/v1/echo/log', headers: auth });
    expect(log.json().records).toEqual([expect.objectContaining({ at: '2031-05-06T07:08:09.000Z', url: '/api/v1/echo?n=1' })]);
  });
});

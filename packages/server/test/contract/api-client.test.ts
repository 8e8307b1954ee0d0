import { SPEC_EXAMPLE_CALL } from '@callhook/core';
import Fastify from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ApiResponseError, createApiClient, routePath, type RouteContract } from '../../src/contract/index.js';
import { contractSchema, zodValidatorCompiler } from '../../src/http/contract-route.js';
import { errorHandler } from '../../src/http/error-handler.js';
import { injectTransport } from '../support/inject-transport.js';
import { testApp, testSettings, TOKEN, type TestApp } from '../support/test-app.js';

let t: TestApp | null = null;
afterEach(async () => t?.close());

describe('createApiClient over the real routes', () => {
  it('answers every read route with values its response schemas accept', async () => {
    t = await testApp(testSettings({ token: TOKEN }));
    const client = createApiClient(injectTransport(t.app, TOKEN));
    const ringing = await client.simulateIncoming({ body: { from: '420', name: 'Michael D785' } });
    expect(ringing.call).toMatchObject({ remoteParty: '420', state: 'ringing' });
    const calls = await client.listCalls({ query: { limit: 5 } });
    expect(calls.active.map((c) => c.guid)).toEqual([ringing.call!.guid]);
    expect((await client.getCall({ params: { guid: ringing.call!.guid } })).call.guid).toBe(ringing.call!.guid);
    expect((await client.simulateAnswer({ body: {} })).call?.state).toBe('connected');
    expect((await client.execute({ body: { action: 'hold', call: null } })).call?.holdState).toBe('on_hold');
    expect((await client.simulateHangup({ body: {} })).call?.state).toBe('ended');
    expect((await client.listDeliveries()).stats).toMatchObject({ queued: 0 });
    expect((await client.listLines()).lines).toEqual([
      { id: 'default', type: 'simulator', status: { state: 'ready', detail: expect.any(String) }, setup: false },
    ]);
    expect((await client.health()).line.state).toBe('ready');
    const settings = await client.getSettings();
    expect(settings.settings.inbound.token).toEqual({ set: true });
    const saved = await client.saveSettings({ body: settings.settings });
    expect(saved).toMatchObject({ ok: true, persisted: false, restartRequired: false, restartFields: [] });
  });

  it("sends a slot test and a replay through the contract, stamped with the app's clock", async () => {
    t = await testApp(testSettings({ token: TOKEN }));
    const client = createApiClient(injectTransport(t.app, TOKEN));
    const { record } = await client.testSlot({
      body: { slot: { on: 'inbound', url: 'http://127.0.0.1:9/t?n=<$remote_party>' }, action: 'inbound', call: SPEC_EXAMPLE_CALL },
    });
    expect(record).toMatchObject({ url: 'http://127.0.0.1:9/t?n=420', final: true });
    const again = await client.replayDelivery({ params: { id: record.deliveryId } });
    expect(again.record).toMatchObject({ url: record.url, final: true });
    await expect(client.replayDelivery({ params: { id: 'no-such-delivery' } })).rejects.toMatchObject({ payload: { ok: false } });
  });

  it('refuses a request outside the contract with 400 bad_request naming the field', async () => {
    t = await testApp(testSettings({ token: TOKEN }));
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/commands',
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: { action: 'dtmf', digits: 'xyz' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ ok: false, code: 'bad_request', message: expect.stringMatching(/^digits: /) });
    const query = await t.app.inject({ url: '/api/v1/calls?limit=0', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(query.json()).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/^limit: /) });
    // `callhook replay ''`: the empty id is named with where ids come from, not zod's "Too small".
    const replay = await t.app.inject({ method: 'POST', url: '/api/v1/deliveries//replay', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(replay.json()).toMatchObject({
      code: 'bad_request',
      message: 'id: give the deliveryId of a logged attempt (GET /api/v1/deliveries, callhook deliveries)',
    });
  });
});

describe('the contract at the edges', () => {
  const route = {
    method: 'GET',
    path: '/x/:id',
    summary: 'test route',
    params: z.object({ id: z.string() }),
    response: z.object({ ok: z.literal(true), n: z.number() }),
  } satisfies RouteContract;

  it('a server answer that breaks its response schema fails with 500 instead of reaching the client', async () => {
    const app = Fastify();
    app.setValidatorCompiler(zodValidatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setErrorHandler(errorHandler({ log: () => undefined }));
    // The handler's type allows no such body; the cast stands for a bug elsewhere.
    app
      .withTypeProvider<ZodTypeProvider>()
      .get(route.path, { schema: contractSchema(route) }, async () => ({ ok: true, n: 'seven' }) as unknown as { ok: true; n: number });
    const res = await app.inject({ url: '/x/1' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ ok: false, code: 'internal_error' });
    await app.close();
  });

  it('a client rejects an answer that does not fit the route with ApiResponseError naming the field', async () => {
    const client = createApiClient(async () => ({ ok: true, active: 'none', recent: [] }));
    const error = await client.listCalls().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiResponseError);
    expect(error).toMatchObject({ code: 'unexpected_response', route: 'listCalls', issues: [expect.objectContaining({ path: 'active' })] });
  });

  it('fills path parameters and the query with RFC 3986 escapes, leaving undefined values out', () => {
    expect(routePath('/api/v1/deliveries/:id/replay', { id: 'a b:1/2' })).toBe('/api/v1/deliveries/a%20b%3A1%2F2/replay');
    expect(routePath('/api/v1/calls', {}, { limit: 5, call: undefined, q: 'a+b c' })).toBe('/api/v1/calls?limit=5&q=a%2Bb%20c');
  });
});

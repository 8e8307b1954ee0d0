import { SPEC_EXAMPLE_CALL } from '@callhook/core';
import { describe, expect, it } from 'vitest';
import { ClientError } from '../src/client/client-error.js';
import { createHttpClient } from '../src/client/http-client.js';

type Call = { url: string; init: RequestInit | undefined };

function fakeFetch(responses: Record<string, { status: number; body: unknown }>, calls: Call[]): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, init });
    const key = `${init?.method ?? 'GET'} ${url.replace(/^http:\/\/h/, '')}`;
    const hit = responses[key] ?? { status: 404, body: { ok: false, code: 'not_found', message: `no route ${key}` } };
    return new Response(JSON.stringify(hit.body), { status: hit.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

describe('createHttpClient', () => {
  it('sends the token as a bearer header', async () => {
    const calls: Call[] = [];
    const client = createHttpClient({
      baseUrl: 'http://h',
      token: 'secret-token-0123456',
      fetch: fakeFetch({ 'GET /api/v1/calls': { status: 200, body: { ok: true, active: [], recent: [] } } }, calls),
    });
    await expect(client.getCalls()).resolves.toEqual({ active: [], recent: [] });
    expect(new Headers(calls[0]!.init!.headers).get('authorization')).toBe('Bearer secret-token-0123456');
  });

  it('turns a settings refusal into a ClientError with the bad fields', async () => {
    const body = {
      ok: false,
      code: 'invalid_settings',
      message: 'invalid settings',
      details: { issues: [{ path: 'inbound.port', message: 'port must be 1–65535' }] },
    };
    const client = createHttpClient({ baseUrl: 'http://h', fetch: fakeFetch({ 'PUT /api/v1/settings': { status: 400, body } }, []) });
    const error = await client.saveSettings({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ code: 'invalid_settings', status: 400, issues: [{ path: 'inbound.port', message: 'port must be 1–65535' }] });
  });

  it('sends console commands to the control API as JSON', async () => {
    const calls: Call[] = [];
    const call = { ...SPEC_EXAMPLE_CALL, guid: 'g-1' };
    const responses = { 'POST /api/v1/commands': { status: 200, body: { ok: true, action: 'answer', call } } };
    const client = createHttpClient({ baseUrl: 'http://h', fetch: fakeFetch(responses, calls) });
    await expect(client.execute({ action: 'answer', call: 'g-1' })).resolves.toEqual(call);
    expect(calls.map((c) => `${c.init?.method} ${c.url} ${String(c.init?.body)}`)).toEqual(['POST http://h/api/v1/commands {"action":"answer","call":"g-1"}']);
  });

  it('reads the line status from /healthz even when it answers 503', async () => {
    const line = { state: 'unregistered', detail: '401 from registrar' };
    const body = {
      ok: false,
      line,
      lines: [{ id: 'desk', type: 'sip', status: line }],
      deliveries: { queued: 0, inFlight: 0, dropped: 0, parked: 0 },
      outbox: { quarantined: null },
    };
    const client = createHttpClient({ baseUrl: 'http://h', fetch: fakeFetch({ 'GET /healthz': { status: 503, body } }, []) });
    await expect(client.getLineStatus()).resolves.toEqual(line);
  });

  it('refuses an answer outside the API contract as a ClientError naming the field, never passing it on', async () => {
    const client = createHttpClient({
      baseUrl: 'http://h',
      fetch: fakeFetch({ 'GET /api/v1/deliveries': { status: 200, body: { ok: true, deliveries: 'none' } } }, []),
    });
    const error = await client.getDeliveries().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ code: 'unexpected_response', issues: expect.arrayContaining([expect.objectContaining({ path: 'deliveries' })]) });
  });

  it('escapes a delivery id in the replay path', async () => {
    const calls: Call[] = [];
    const client = createHttpClient({ baseUrl: 'http://h', fetch: fakeFetch({}, calls) });
    await client.replayDelivery('g:in/1').catch(() => undefined);
    expect(calls.map((c) => `${c.init?.method} ${c.url}`)).toEqual(['POST http://h/api/v1/deliveries/g%3Ain%2F1/replay']);
  });

  it("asks a desk-phone line's setup text and lists the lines with their status", async () => {
    const calls: Call[] = [];
    const text = 'Desk phone line "desk-12": snom at http://192.0.2.10\n';
    const status = { state: 'failed', detail: "401 from the phone: check the line's username and password" };
    const client = createHttpClient({
      baseUrl: 'http://h',
      fetch: fakeFetch(
        {
          'GET /api/v1/lines/desk-12/setup': { status: 200, body: { ok: true, line: 'desk-12', vendor: 'snom', text } },
          'GET /api/v1/lines': { status: 200, body: { ok: true, lines: [{ id: 'desk-12', type: 'deskphone', status, setup: true }] } },
          'GET /api/v1/lines/bad/setup': { status: 200, body: { ok: true, line: 'bad' } },
        },
        calls,
      ),
    });
    await expect(client.getLineSetup!('desk-12')).resolves.toEqual({ line: 'desk-12', vendor: 'snom', text });
    await expect(client.getLines!()).resolves.toEqual([{ id: 'desk-12', type: 'deskphone', status, setup: true }]);
    await expect(client.getLineSetup!('nope')).rejects.toMatchObject({ code: 'not_found', status: 404 });
    await expect(client.getLineSetup!('bad')).rejects.toMatchObject({
      code: 'unexpected_response',
      issues: expect.arrayContaining([expect.objectContaining({ path: 'vendor' })]),
    });
  });

  it('reports an unreachable engine', async () => {
    const client = createHttpClient({ fetch: (async () => Promise.reject(new TypeError('fetch failed'))) as typeof fetch });
    await expect(client.getDeliveries()).rejects.toMatchObject({ code: 'unreachable' });
  });

  it('subscribes to the event stream with the token in the query', () => {
    const opened: string[] = [];
    const fakeSource = { addEventListener() {}, removeEventListener() {}, close() {}, readyState: 0 } as unknown as EventSource;
    const client = createHttpClient({ baseUrl: 'http://h', token: 'tok/en+0123456789', eventSource: (url) => (opened.push(url), fakeSource) });
    client.subscribe(() => undefined)();
    expect(opened).toEqual(['http://h/api/v1/events?token=tok%2Fen%2B0123456789']);
  });
});

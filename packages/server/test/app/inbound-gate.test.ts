import { afterEach, describe, expect, it } from 'vitest';
import { testApp, testSettings, TOKEN, type TestApp } from '../support/test-app.js';

let t: TestApp;
afterEach(async () => t?.close());

/** The refusal code of an answer: from the JSON body, or from the result page a browser navigation gets. */
function codeOf(res: { headers: Record<string, unknown>; body: string; json(): { code?: string } }): string | undefined {
  if (String(res.headers['content-type']).startsWith('text/html')) return /Code <code>([a-z_]+)<\/code>/.exec(res.body)?.[1];
  return res.json().code;
}

type Row = [name: string, url: string, headers: Record<string, string>, status: number, code: string | null];

describe('inbound Action URLs (no token)', () => {
  const rows: Row[] = [
    ['make_call', '/?action=make_call&target=123', {}, 200, null],
    ['make_call with +', '/?action=make_call&target=+4930123', {}, 200, null],
    ['Snom click-to-dial', '/command.htm?number=0301234', {}, 200, null],
    ['Yealink click-to-dial', '/servlet?key=number=0301234', {}, 200, null],
    ['missing action', '/?target=123', {}, 400, 'bad_request'],
    ['unknown action', '/?action=explode', {}, 400, 'unknown_action'],
    ['bad target', '/?action=make_call&target=abc', {}, 400, 'invalid_target'],
    ['unknown parameter', '/?action=make_call&target=1&x=1', {}, 400, 'bad_request'],
    ['duplicate parameter', '/?action=make_call&target=1&target=2', {}, 400, 'bad_request'],
    ['malformed percent-encoding', '/?action=make_call&target=%zz', {}, 400, 'bad_request'],
    ['answer without a call', '/?action=answer', {}, 404, 'no_such_call'],
    ['hangup of an unknown call', '/?action=hangup&call=01900000-0000-7000-8000-000000000000', {}, 404, 'no_such_call'],
    ['unknown path', '/admin?action=make_call&target=1', {}, 404, 'not_found'],
    [
      'cross-site img',
      '/?action=make_call&target=1',
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', referer: 'https://evil.example/' },
      403,
      'origin_not_allowed',
    ],
    ['typed in the address bar → result page', '/?action=make_call&target=1', { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' }, 200, null],
  ];

  it.each(rows)('%s: GET %s with headers %j → %i %s', async (_name, url, headers, status, code) => {
    t = await testApp();
    const res = await t.app.inject({ method: 'GET', url, headers });
    expect(res.statusCode).toBe(status);
    if (code) expect(res.json()).toMatchObject({ ok: false, code });
    if (status === 200 && headers['sec-fetch-mode'] === 'navigate') expect(res.body).toContain('<h1 class="good">Calling 1</h1>');
    else if (status === 200) expect(res.json()).toMatchObject({ ok: true, action: 'make_call', call: { direction: 'outbound', state: 'ringing' } });
  });
});

describe('security gate', () => {
  const rows: Row[] = [
    ['no token', '/?action=make_call&target=1', {}, 401, 'unauthorized'],
    ['wrong bearer', '/?action=make_call&target=1', { authorization: 'Bearer nope-nope-nope-nope' }, 401, 'unauthorized'],
    ['wrong query token', '/?action=make_call&target=1&token=nope', {}, 401, 'unauthorized'],
    ['bearer', '/?action=make_call&target=1', { authorization: `Bearer ${TOKEN}` }, 200, null],
    ['query token', `/?action=make_call&target=1&token=${TOKEN}`, {}, 200, null],
    [
      'token but cross-site',
      `/?action=make_call&target=1&token=${TOKEN}`,
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' },
      403,
      'origin_not_allowed',
    ],
    [
      'token, allowed origin, clicked link',
      `/?action=make_call&target=1&token=${TOKEN}`,
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', referer: 'https://crm.example.com/x' },
      200,
      null,
    ],
    ['control API needs the token', '/api/v1/calls', {}, 401, 'unauthorized'],
    ['healthz does not', '/healthz', {}, 200, null],
    ['echo does not', '/api/v1/echo?x=1', {}, 200, null],
    ['HEAD never dials', `/?action=make_call&target=1&token=${TOKEN}`, {}, 404, 'not_found'],
    ['over-long request target, even with the token', `/?action=make_call&token=${TOKEN}&target=${'1'.repeat(5_000)}`, {}, 400, 'bad_request'],
    ['over-long control API request', `/api/v1/deliveries?limit=5&x=${'a'.repeat(5_000)}`, { authorization: `Bearer ${TOKEN}` }, 400, 'bad_request'],
    ['over-long path', `/${'a'.repeat(5_000)}`, {}, 400, 'bad_request'],
  ];

  it.each(rows)('%s', async (name, url, headers, status, code) => {
    t = await testApp(testSettings({ token: TOKEN, allowOrigins: ['https://crm.example.com'] }));
    const res = await t.app.inject({ method: name.startsWith('HEAD') ? 'HEAD' : 'GET', url, headers });
    expect(res.statusCode).toBe(status);
    if (name.startsWith('HEAD')) return expect(t.line.callIds()).toEqual([]);
    if (code) expect(codeOf(res)).toBe(code);
    if (status === 401) expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    if (name.startsWith('over-long')) expect(res.json().message).toMatch(/longer than 4096 characters/);
  });

  it('answers an over-long request from a source outside allowFrom with 403, saying nothing more', async () => {
    t = await testApp(testSettings({ token: TOKEN }));
    const res = await t.app.inject({ method: 'GET', url: `/?action=make_call&target=${'1'.repeat(5_000)}`, remoteAddress: '192.0.2.7' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'source_not_allowed' });
    expect(t.line.callIds()).toEqual([]);
  });

  it('refuses sources outside inbound.allowFrom', async () => {
    t = await testApp(testSettings({ allowFrom: ['::1/128'] }));
    const res = await t.app.inject({ url: '/?action=make_call&target=1', remoteAddress: '127.0.0.1' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'source_not_allowed' });
    expect(t.line.callIds()).toEqual([]);
  });

  it('refuses disabled actions with 403 action_disabled', async () => {
    t = await testApp(testSettings({ actions: { make_call: false } }));
    const res = await t.app.inject({ url: '/?action=make_call&target=1' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'action_disabled', message: expect.stringContaining('inbound.actions.make_call') });
  });

  it('answers CORS and Private Network Access preflights only for allowed origins, never *', async () => {
    t = await testApp(testSettings({ allowOrigins: ['https://crm.example.com'] }));
    const ok = await t.app.inject({
      method: 'OPTIONS',
      url: '/?action=make_call&target=1',
      headers: { origin: 'https://crm.example.com', 'access-control-request-method': 'GET', 'access-control-request-private-network': 'true' },
    });
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://crm.example.com');
    expect(ok.headers['access-control-allow-private-network']).toBe('true');
    const bad = await t.app.inject({ method: 'OPTIONS', url: '/', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(bad.statusCode).toBe(403);
    expect(bad.headers['access-control-allow-origin']).toBeUndefined();
    const get = await t.app.inject({
      url: '/?action=make_call&target=1',
      headers: { origin: 'https://crm.example.com', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' },
    });
    expect(get.statusCode).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBe('https://crm.example.com');
  });
});

describe('dial policy and rate limit', () => {
  it('refuses a duplicate target within duplicateWindowMs unless force=1', async () => {
    t = await testApp(testSettings({ duplicateWindowMs: 60_000 }));
    expect((await t.app.inject({ url: '/?action=make_call&target=555' })).statusCode).toBe(200);
    const again = await t.app.inject({ url: '/?action=make_call&target=555' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'duplicate_dial' });
    expect((await t.app.inject({ url: '/?action=make_call&target=555&force=1' })).statusCode).toBe(200);
  });

  it('refuses denied prefixes with 403 target_denied', async () => {
    t = await testApp(testSettings({ denyPrefixes: ['0900'] }));
    const res = await t.app.inject({ url: '/?action=make_call&target=0900-123' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'target_denied' });
  });

  it('limits make_call, and rejected requests do not use up the allowance', async () => {
    t = await testApp(testSettings({ token: TOKEN, rateLimit: { max: 2, windowMs: 60_000 }, denyPrefixes: ['0900'] }));
    const auth = { authorization: `Bearer ${TOKEN}` };
    for (let i = 0; i < 20; i++) {
      expect((await t.app.inject({ url: `/?action=make_call&target=${i}` })).statusCode).toBe(401);
      expect((await t.app.inject({ url: '/?action=make_call&target=x', headers: auth })).statusCode).toBe(400);
      expect((await t.app.inject({ url: '/?action=make_call&target=0900', headers: auth })).statusCode).toBe(403);
    }
    expect((await t.app.inject({ url: '/?action=make_call&target=1', headers: auth })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/?action=make_call&target=2', headers: auth })).statusCode).toBe(200);
    const limited = await t.app.inject({ url: '/?action=make_call&target=3', headers: auth });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Other actions are not limited.
    expect((await t.app.inject({ url: '/?action=hangup', headers: auth })).statusCode).toBe(409);
  });

  it('reports 503 line_not_ready when the line is down', async () => {
    t = await testApp();
    await t.line.stop();
    const res = await t.app.inject({ url: '/?action=make_call&target=1' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'line_not_ready' });
  });
});

describe('call control', () => {
  it('answers, holds, unholds, sends DTMF and hangs up a call; names the call when several fit', async () => {
    t = await testApp();
    const id = t.line.incoming('420', 'Michael D785');
    const call = async (url: string) => t.app.inject({ url });
    expect((await call('/?action=hold')).json()).toMatchObject({ code: 'wrong_call_state' });
    expect((await call('/?action=answer')).json()).toMatchObject({ ok: true, call: { state: 'connected', remoteAlias: '"Michael D785" (420)' } });
    expect((await call('/?action=hold')).json()).toMatchObject({ ok: true, call: { state: 'held', holdState: 'on_hold' } });
    expect((await call('/?action=unhold')).json()).toMatchObject({ ok: true, call: { state: 'connected' } });
    expect((await call('/?action=dtmf&digits=12%23')).statusCode).toBe(200);
    expect(t.line.dtmfSent).toEqual([{ lineCallId: id, digits: '12#' }]);
    t.line.incoming('421');
    t.line.incoming('422');
    expect((await call('/?action=answer')).json()).toMatchObject({ code: 'ambiguous_call' });
    expect((await call('/?action=hangup')).statusCode).toBe(409);
  });
});

import { loadSettings } from '@callhook/core';
import { connect } from 'node:net';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { exposureProblem, isLoopbackAddress, startServer, type RunningServer } from '../../src/index.js';
import { hostPart, HostCheck } from '../../src/gate/host-check.js';
import { testApp, testSettings, TOKEN, type TestApp } from '../support/test-app.js';

let t: TestApp | null = null;
let server: RunningServer | null = null;
afterEach(async () => {
  await t?.close();
  await server?.stop(1_000);
  t = null;
  server = null;
});

/** A GET through node:http with the Host header the test chooses (what `curl -H 'Host: …'` sends). */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Raw bytes on a socket: an HTTP/1.0 request may carry no Host at all. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(text));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
  });
}

describe('Host header', () => {
  it.each([
    ['127.0.0.1:61234', '127.0.0.1'],
    ['[::1]:61234', '::1'],
    ['[::1]', '::1'],
    ['Phone.Example.LAN', 'phone.example.lan'],
    ['evil.example:61234', 'evil.example'],
    ['evil.example:x', null],
    ['[::1', null],
    ['[::1]x', null],
    ['', null],
  ])('hostPart(%j) = %j', (host, expected) => {
    expect(hostPart(host)).toBe(expected);
  });

  it('allows IP literals, localhost and configured names only', () => {
    const hosts = new HostCheck(['phone.example.lan']);
    for (const ok of ['127.0.0.1:1', '10.1.2.3', '[::1]:9', '[fe80::1]', 'localhost', 'LOCALHOST:5', 'phone.example.lan:61234', 'PHONE.example.lan']) {
      expect(hosts.allows(ok), ok).toBe(true);
    }
    for (const bad of [undefined, '', 'evil.example', 'evil.example:61234', 'localhost.evil.example', 'phone.example.lan.', '127.0.0.1.nip.io', 'x:1:2']) {
      expect(hosts.allows(bad), String(bad)).toBe(false);
    }
  });

  const routes = [
    ['GET', '/?action=make_call&target=1'],
    ['GET', '/command.htm?number=1'],
    ['GET', '/?action=answer'],
    ['GET', '/api/v1/settings'],
    ['GET', '/api/v1/calls'],
    ['GET', '/api/v1/events'],
    ['GET', '/metrics'],
    ['GET', '/healthz'],
    ['GET', '/api/v1/echo/log'],
    ['GET', '/api/v1/openapi.json'],
    ['POST', '/api/v1/commands'],
    ['PUT', '/api/v1/settings'],
    ['OPTIONS', '/api/v1/settings'],
  ] as const;

  it.each(routes)('%s %s with a foreign Host and no browser headers → 403 host_not_allowed, nothing done (no token set)', async (method, url) => {
    t = await testApp(testSettings({ allowOrigins: ['http://evil.example:61234'] }));
    const body = method === 'POST' ? { action: 'make_call', target: '1' } : method === 'PUT' ? {} : undefined;
    const res = await t.app.inject({ method, url, headers: { host: 'evil.example:61234' }, ...(body ? { payload: body } : {}) });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ ok: false, code: 'host_not_allowed' });
    expect(res.json().message).toMatch(/inbound\.hostNames/);
    expect(res.body).not.toContain('"settings"');
    expect(t.line.callIds()).toEqual([]);
  });

  it('a name in inbound.hostNames is answered (and counts as our own origin for a same-origin page)', async () => {
    t = await testApp(testSettings({ hostNames: ['phone.example.lan'] }));
    const plain = await t.app.inject({ url: '/?action=make_call&target=1', headers: { host: 'phone.example.lan:61234' } });
    expect(plain.statusCode).toBe(200);
    const page = await t.app.inject({
      url: '/api/v1/calls',
      headers: { host: 'phone.example.lan:61234', 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', origin: 'http://phone.example.lan:61234' },
    });
    expect(page.statusCode).toBe(200);
    const other = await t.app.inject({ url: '/?action=make_call&target=2', headers: { host: 'other.example.lan' } });
    expect(other.statusCode).toBe(403);
    expect(t.line.callIds()).toHaveLength(1);
  });

  it('on a real socket: curl -H "Host: evil.example" is refused, the IP literal is answered, HTTP/1.0 without Host is refused', async () => {
    server = await startServer({ settings: loadSettings(testSettings({ listen: ['127.0.0.1'] })), dataDir: ':memory:', port: 0 });
    const url = `${server.urls[0]}?action=make_call&target=1`;
    const evil = await get(url, { host: `evil.example:${server.port}` });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body)).toMatchObject({ code: 'host_not_allowed' });
    expect(server.engine.recentCalls()).toEqual([]);
    const noHost = await raw(server.port!, 'GET /?action=make_call&target=2 HTTP/1.0\r\n\r\n');
    expect(noHost).toMatch(/^HTTP\/1\.[01] 403/);
    expect(noHost).toContain('no Host header');
    const ok = await get(url, {});
    expect(ok.status).toBe(200);
  });
});

describe('no token outside loopback', () => {
  it.each([
    [['127.0.0.1', '::1'], null],
    [['127.0.0.2', '0:0:0:0:0:0:0:1'], null],
    [['0.0.0.0'], '0.0.0.0'],
    [['127.0.0.1', '::'], '::'],
    [['192.168.1.10'], '192.168.1.10'],
  ] as const)('listen %j without a token → %s', (listen, exposed) => {
    const problem = exposureProblem({ token: null, listen });
    if (exposed === null) expect(problem).toBeNull();
    else expect(problem).toMatch(new RegExp(`^inbound\\.token is unset but inbound\\.listen includes ${exposed.replace(/\./g, '\\.')},.*set inbound\\.token`));
    expect(exposureProblem({ token: TOKEN, listen })).toBeNull();
  });

  it('isLoopbackAddress', () => {
    expect(['127.0.0.1', '127.255.0.9', '::1', '0::1'].map(isLoopbackAddress)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', 'localhost'].map(isLoopbackAddress)).toEqual([false, false, false, false, false]);
  });

  it('startServer refuses to bind 0.0.0.0 without a token, before binding anything', async () => {
    // A settings error naming the field (exit 3 in the CLI, as config check reports it), not a bare Error.
    await expect(startServer({ settings: loadSettings(testSettings({ listen: ['0.0.0.0'] })), dataDir: ':memory:', port: 0 })).rejects.toMatchObject({
      code: 'invalid_settings',
      issues: [{ path: 'inbound.token', message: expect.stringMatching(/^inbound\.token is unset but inbound\.listen includes 0\.0\.0\.0/) }],
    });
  });

  it('PUT /api/v1/settings may not drop the token of a listener on a non-loopback address', async () => {
    t = await testApp(testSettings({ token: TOKEN, listen: ['0.0.0.0'] }));
    const settings = structuredClone(t.engine.settings.settings);
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/settings',
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: { ...settings, inbound: { ...settings.inbound, token: null } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid_settings' });
    expect(t.engine.settings.settings.inbound.token).toBe(TOKEN);
  });
});

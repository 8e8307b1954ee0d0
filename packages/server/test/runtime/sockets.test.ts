import { loadSettings, type SettingsInput } from '@callhook/core';
import { createConnection } from 'node:net';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, streamLogger, type RunningServer } from '../../src/index.js';
import { testSettings, TOKEN } from '../support/test-app.js';
import { startReceiver, waitFor, type Receiver } from '@callhook/test-support';
import { openSocket } from '../support/raw-client.js';

let server: RunningServer | null = null;
let receiver: Receiver | null = null;
afterEach(async () => {
  await server?.stop(1_000);
  await receiver?.close();
  server = null;
  receiver = null;
});

const start = (settings: SettingsInput, logLines?: string[]) =>
  startServer({
    settings: loadSettings(settings),
    dataDir: ':memory:',
    port: 0,
    logger: logLines ? streamLogger({ level: 'debug', write: (l) => logLines.push(l) }) : undefined,
  });

/** A GET on a raw socket, so the test controls the peer address family. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function portIsClosed(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('listener on real sockets', () => {
  it('answers on 127.0.0.1 and ::1 at one port and fires slots to a real receiver', async () => {
    receiver = await startReceiver();
    server = await start(
      testSettings({ token: TOKEN }, { actionUrls: { enabled: true, slots: [{ on: 'outbound', url: `${receiver.url}/out?to=<$remote_party>` }] } }),
    );
    expect(server.urls).toEqual([`http://127.0.0.1:${server.port}/`, `http://[::1]:${server.port}/`]);
    const v4 = await get(`${server.urls[0]}?action=make_call&target=123`, { authorization: `Bearer ${TOKEN}` });
    expect(v4.status).toBe(200);
    const v6 = await get(`${server.urls[1]}?action=make_call&target=456&token=${TOKEN}`);
    expect(JSON.parse(v6.body)).toMatchObject({ ok: true, call: { remoteParty: '456' } });
    await server.engine.dispatcher.drain(30_000);
    expect(receiver.received.map((r) => r.url).sort()).toEqual(['/out?to=123', '/out?to=456']);
    expect((await get(`${server.urls[1]}api/v1/calls`)).status).toBe(401);
  });

  it('never logs the token', async () => {
    const lines: string[] = [];
    server = await start(testSettings({ token: TOKEN }), lines);
    await get(`${server.urls[0]}?action=make_call&target=123&token=${TOKEN}`);
    await get(`${server.urls[0]}?action=make_call&target=124&token=wrong`);
    await get(`${server.urls[0]}api/v1/calls`, { authorization: `Bearer ${TOKEN}` });
    expect(lines.join('')).toContain('token=[redacted]');
    expect(lines.join('')).not.toContain(TOKEN);
    expect(lines.join('')).not.toContain('token=wrong');
  });

  it('refuses an IPv4 peer when inbound.allowFrom holds only ::1', async () => {
    server = await start(testSettings({ allowFrom: ['::1/128'] }));
    expect((await get(`${server.urls[0]}?action=make_call&target=1`)).status).toBe(403);
    expect((await get(`${server.urls[1]}?action=make_call&target=1`)).status).toBe(200);
  });

  it('does not bind when the listener is disabled', async () => {
    const probe = await start(testSettings());
    const port = probe.port!;
    await probe.stop(0);
    server = await startServer({ settings: loadSettings(testSettings({ enabled: false, port })), dataDir: ':memory:' });
    expect(server.urls).toEqual([]);
    expect(await portIsClosed('127.0.0.1', port)).toBe(true);
    expect(await portIsClosed('::1', port)).toBe(true);
  });

  it('streams engine events as server-sent events until the server stops', async () => {
    server = await start(testSettings());
    const frames: string[] = [];
    const ended = new Promise<void>((resolve) => {
      request(`${server!.urls[1]}api/v1/events`, (res) => {
        expect(res.headers['content-type']).toContain('text/event-stream');
        res.on('data', (d: Buffer) => frames.push(d.toString()));
        res.on('end', resolve);
        res.on('close', resolve);
      }).end();
    });
    const until = Date.now() + 3_000;
    while (frames.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await get(`${server.urls[0]}?action=make_call&target=789`);
    while (!frames.join('').includes('event: call') && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await server.stop(1_000);
    await ended;
    const text = frames.join('');
    expect(text).toMatch(/^event: line\ndata: \{"type":"line","lineId":"default","status":\{"state":"ready"/);
    expect(text).toContain('event: call\ndata: {"type":"call","action":"outbound"');
    server = null;
  });

  it.each([
    [
      "a request target over Node's 16 KiB header limit",
      () => `GET /?action=make_call&target=${'1'.repeat(20_000)}&token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
      /over 16 KiB.*at most 4096 characters: shorten it/,
    ],
    ['a malformed request line', () => 'GET / HTTP/9\r\nHost: 127.0.0.1\r\n\r\n', /malformed HTTP request; inbound Action URLs are GET \/\?action=/],
  ])('answers %s with a JSON 400 naming the fix, then closes', async (_name, request, message) => {
    server = await start(testSettings({ token: TOKEN }));
    const socket = await openSocket(server.port!);
    let text = '';
    let closed = false;
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('close', () => (closed = true));
    socket.write(request());
    await waitFor(() => closed, 'the listener to answer and close the connection');
    const [head = '', body = ''] = text.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head).toContain('Content-Type: application/json');
    expect(JSON.parse(body)).toEqual({ ok: false, code: 'bad_request', message: expect.stringMatching(message) });
  });

  it("refuses a --port override browsers refuse (SIP's 5060), as the settings refuse inbound.port", async () => {
    await expect(startServer({ settings: loadSettings(testSettings()), dataDir: ':memory:', port: 5060 })).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/browsers and fetch\(\) refuse port 5060 .*pick another port/),
    });
  });

  it('fails clearly when the port is taken', async () => {
    server = await start(testSettings());
    await expect(startServer({ settings: loadSettings(testSettings()), dataDir: ':memory:', port: server.port! })).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('headless browser slots', () => {
  it('warns once at load and logs browser slots as failed with the reason', async () => {
    const lines: string[] = [];
    const settings = testSettings(
      {},
      { actionUrls: { enabled: true, slots: [{ on: 'outbound', url: 'http://127.0.0.1:9/crm?n=<$remote_party>', openInBrowser: true }] } },
    );
    const saved = { DISPLAY: process.env.DISPLAY, WAYLAND_DISPLAY: process.env.WAYLAND_DISPLAY };
    delete process.env.DISPLAY;
    delete process.env.WAYLAND_DISPLAY;
    try {
      server = await start(settings, lines);
    } finally {
      Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, v]) => v !== undefined)));
    }
    const records: { outcome: string; mode: string; error: string | null }[] = [];
    server.engine.on((e) => e.type === 'delivery' && records.push(e.record));
    await get(`${server.urls[0]}?action=make_call&target=1`);
    await get(`${server.urls[0]}?action=make_call&target=2`);
    await server.engine.dispatcher.drain(30_000);
    expect(records).toMatchObject([
      { outcome: 'network_error', mode: 'browser', error: expect.stringContaining('no web browser') },
      { outcome: 'network_error', mode: 'browser' },
    ]);
    // One warning at load; each failed browser delivery is then logged on its own line, in plain words.
    const failures = lines.filter((l) => l.startsWith('warn') && l.includes('Action URL 1 (outbound) to http://127.0.0.1:9/crm failed after 1 attempt'));
    expect(failures).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('warn') && l.includes('headless') && !failures.includes(l))).toHaveLength(1);
  });
});

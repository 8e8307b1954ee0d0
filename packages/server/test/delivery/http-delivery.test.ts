import { Cancellation, Dispatcher, standardSinks, type DeliveryRecord } from '@callhook/core';
import { cryptoRandom } from '@callhook/node';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { headlessBrowser, systemClock, UndiciFetcher, USER_AGENT, verifySignature } from '../../src/index.js';
import { pendingDelivery } from '../support/pending-delivery.js';
import { startReceiver, waitFor, type Receiver } from '@callhook/test-support';

let receiver: Receiver;
let fetcher: UndiciFetcher;
afterEach(async () => {
  await fetcher?.close();
  await receiver?.close();
});

function dispatcher(options: ConstructorParameters<typeof UndiciFetcher>[0] = {}) {
  fetcher = new UndiciFetcher(options);
  const records: DeliveryRecord[] = [];
  const d = new Dispatcher({ sinks: standardSinks({ fetcher, browser: headlessBrowser }), clock: systemClock, random: cryptoRandom });
  d.onRecord((r) => records.push(r));
  return { d, records };
}

describe('HTTP delivery (undici adapter + core dispatcher, real receiver)', () => {
  it('delivers a GET with Idempotency-Key and user agent', async () => {
    receiver = await startReceiver();
    const { d, records } = dispatcher();
    const delivery = pendingDelivery(`${receiver.url}/in?n=420`);
    d.submit(delivery);
    expect(await d.drain(30_000)).toBe(true);
    expect(records).toMatchObject([{ outcome: 'delivered', status: 200, attempt: 1, final: true }]);
    expect(receiver.received[0]).toMatchObject({ method: 'GET', url: '/in?n=420' });
    expect(receiver.received[0]!.headers['idempotency-key']).toBe(delivery.id);
    expect(receiver.received[0]!.headers['user-agent']).toBe(USER_AGENT);
  });

  it('POSTs the JSON body with an HMAC-SHA256 signature over timestamp and body', async () => {
    receiver = await startReceiver();
    const { d } = dispatcher();
    const secret = 'a-signing-secret-of-some-length';
    const body = JSON.stringify({ action: 'inbound', call: { guid: 'g' } });
    d.submit(pendingDelivery(`${receiver.url}/post`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' }, signingSecret: secret }));
    d.submit(pendingDelivery(`${receiver.url}/get`, { signingSecret: secret }));
    await d.drain(30_000);
    const [post, get] = receiver.received;
    expect(post).toMatchObject({ method: 'POST', body });
    const header = post!.headers['x-callhook-signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const now = Math.floor(Date.now() / 1000);
    expect(verifySignature(header, secret, body, now)).toBe(true);
    expect(verifySignature(header, secret, `${body} `, now)).toBe(false);
    expect(verifySignature(header, 'another-secret-of-length', body, now)).toBe(false);
    expect(verifySignature(header, secret, body, now + 3_600)).toBe(false);
    expect(verifySignature(get!.headers['x-callhook-signature'] as string, secret, '', now)).toBe(true);
  });

  it('times out a hanging receiver and retries with the same Idempotency-Key', async () => {
    receiver = await startReceiver(() => undefined);
    const { d, records } = dispatcher();
    // 1.5 s per attempt: with 150 ms a busy machine's receiver had not yet read the second request when it was cut off.
    d.submit(pendingDelivery(`${receiver.url}/hang`, { timeoutMs: 1_500, retries: { max: 1, backoffMs: 10 } }));
    await d.drain(30_000);
    expect(records.map((r) => [r.outcome, r.final])).toEqual([
      ['timeout', false],
      ['timeout', true],
    ]);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.headers['idempotency-key']).toBe(receiver.received[0]!.headers['idempotency-key']);
  });

  it('retries a 503 and stops at the first 2xx; a 404 is final', async () => {
    let n = 0;
    receiver = await startReceiver((req, res) => {
      res.statusCode = req.url === '/missing' ? 404 : ++n < 3 ? 503 : 200;
      res.end();
    });
    const { d, records } = dispatcher();
    d.submit(pendingDelivery(`${receiver.url}/flaky`, { retries: { max: 5, backoffMs: 10 } }));
    d.submit(pendingDelivery(`${receiver.url}/missing`, { retries: { max: 5, backoffMs: 10 } }));
    await d.drain(30_000);
    const flaky = records.filter((r) => r.url.endsWith('/flaky')).map((r) => r.status);
    expect(flaky).toEqual([503, 503, 200]);
    expect(records.filter((r) => r.url.endsWith('/missing'))).toMatchObject([{ outcome: 'http_error', status: 404, final: true }]);
  });

  it('gets the event to a receiver that refuses connections at first and listens later, once, with one Idempotency-Key', async () => {
    // A port nothing listens on (a receiver started and closed): connections are refused.
    const probe = await startReceiver();
    const { port } = probe;
    await probe.close();
    const { d, records } = dispatcher();
    // The default schedule (1 s doubling to 60 s) made small so the test is short.
    const delivery = pendingDelivery(`http://127.0.0.1:${port}/hook?n=420`, { retries: { max: 8, backoffMs: 50, maxBackoffMs: 400 } });
    d.submit(delivery);
    await waitFor(() => records.length >= 2, 'two refused attempts');
    expect(records.map((r) => [r.outcome, r.final])).toEqual([
      ['network_error', false],
      ['network_error', false],
    ]);
    const keys: string[] = [];
    const late: Server = createServer((req, res) => {
      keys.push(String(req.headers['idempotency-key']));
      res.statusCode = 204;
      res.end();
    });
    await new Promise<void>((resolve) => late.listen(port, '127.0.0.1', resolve));
    try {
      expect(await d.drain(30_000)).toBe(true);
    } finally {
      late.closeAllConnections();
      await new Promise<void>((resolve) => late.close(() => resolve()));
    }
    expect(keys).toEqual([delivery.id]);
    expect(records.at(-1)).toMatchObject({ outcome: 'delivered', status: 204, final: true });
    expect(records.filter((r) => r.outcome === 'delivered')).toHaveLength(1);
    expect(records.slice(0, -1).every((r) => r.outcome === 'network_error' && r.error?.includes('ECONNREFUSED'))).toBe(true);
  });

  it("waits the receiver's Retry-After before the next attempt", async () => {
    let n = 0;
    receiver = await startReceiver((_req, res) => {
      if (++n === 1) res.setHeader('Retry-After', '1');
      res.statusCode = n === 1 ? 503 : 200;
      res.end();
    });
    const { d, records } = dispatcher();
    d.submit(pendingDelivery(`${receiver.url}/busy`, { retries: { max: 2, backoffMs: 10 } }));
    expect(await d.drain(30_000)).toBe(true);
    expect(records.map((r) => r.status)).toEqual([503, 200]);
    // 1 s asked for, not the 10 ms (±20 %) back-off (a little slack for the clocks' rounding).
    expect(receiver.received[1]!.at - receiver.received[0]!.at).toBeGreaterThanOrEqual(990);
  });

  it('keeps each call in order while calls run side by side', async () => {
    receiver = await startReceiver((req, res) => setTimeout(() => res.end(), Number(new URL(req.url, 'http://x').searchParams.get('delay'))));
    const { d } = dispatcher();
    for (let seq = 0; seq < 10; seq++) {
      for (const call of ['a', 'b', 'c']) {
        d.submit(pendingDelivery(`${receiver.url}/?call=${call}&seq=${seq}&delay=${(seq * 7 + call.charCodeAt(0)) % 15}`, { callGuid: call }));
      }
    }
    await d.drain(10_000);
    for (const call of ['a', 'b', 'c']) {
      const seqs = receiver.received.filter((r) => r.url.includes(`call=${call}&`)).map((r) => Number(new URL(r.url, 'http://x').searchParams.get('seq')));
      expect(seqs).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
  });

  it('does not let a hanging receiver delay other calls', async () => {
    receiver = await startReceiver((req, res) => {
      if (!req.url.startsWith('/hang')) res.end();
    });
    const { d, records } = dispatcher();
    d.submit(pendingDelivery(`${receiver.url}/hang`, { callGuid: 'stuck', timeoutMs: 3_000 }));
    d.submit(pendingDelivery(`${receiver.url}/hang`, { callGuid: 'stuck', timeoutMs: 3_000 }));
    for (let i = 0; i < 20; i++) d.submit(pendingDelivery(`${receiver.url}/fast?i=${i}`, { callGuid: `free-${i}` }));
    const until = Date.now() + 2_500;
    while (records.filter((r) => r.outcome === 'delivered').length < 20 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(records.filter((r) => r.outcome === 'delivered')).toHaveLength(20);
    expect(records.filter((r) => r.callGuid === 'stuck')).toHaveLength(0);
    expect(d.stats()).toMatchObject({ inFlight: 1, queued: 1 });
    await d.drain(30_000);
  });

  it('follows a bounded number of redirects', async () => {
    receiver = await startReceiver((req, res) => {
      const hop = /^\/hop(\d+)/.exec(req.url);
      const chain = /^\/chain(\d+)/.exec(req.url);
      if (req.url === '/loop') res.writeHead(302, { location: '/loop' }).end();
      else if (chain) res.writeHead(302, { location: `/chain${Number(chain[1]) + 1}` }).end();
      else if (hop && Number(hop[1]) < 2) res.writeHead(302, { location: `/hop${Number(hop[1]) + 1}` }).end();
      else res.end('arrived');
    });
    const { d, records } = dispatcher({ maxRedirects: 3 });
    d.submit(pendingDelivery(`${receiver.url}/hop0`));
    d.submit(pendingDelivery(`${receiver.url}/chain0`));
    d.submit(pendingDelivery(`${receiver.url}/loop`));
    await d.drain(30_000);
    expect(records.find((r) => r.url.endsWith('/hop0'))).toMatchObject({ outcome: 'delivered', status: 200 });
    expect(records.find((r) => r.url.endsWith('/loop'))).toMatchObject({ outcome: 'http_error', status: 302 });
    expect(receiver.received.filter((r) => r.url === '/loop').length).toBeLessThanOrEqual(4);
    expect(records.find((r) => r.url.endsWith('/chain0'))).toMatchObject({ outcome: 'http_error', status: 302 });
    expect(receiver.received.filter((r) => r.url.startsWith('/chain'))).toHaveLength(4);
  });

  it("keeps a slot's credentials from another origin it is redirected to, and body headers from a GET", async () => {
    const elsewhere = await startReceiver();
    try {
      receiver = await startReceiver((req, res) => {
        if (req.url === '/same') res.writeHead(307, { location: '/landed' }).end();
        else if (req.url === '/away') res.writeHead(307, { location: `${elsewhere.url}/landed` }).end();
        else if (req.url === '/posted') res.writeHead(303, { location: '/landed' }).end();
        else res.end();
      });
      fetcher = new UndiciFetcher();
      const send = (path: string, method: 'GET' | 'POST') =>
        fetcher.fetch({
          url: `${receiver.url}${path}`,
          method,
          headers: { Authorization: 'Bearer slot-secret', 'X-Crm': 'kept', 'Content-Type': 'application/json' },
          body: method === 'POST' ? '{}' : undefined,
          cancellation: new Cancellation(),
        });
      await send('/same', 'GET');
      await send('/away', 'GET');
      await send('/posted', 'POST');
      const landed = receiver.received.filter((r) => r.url === '/landed');
      expect(landed[0]!.headers).toMatchObject({ authorization: 'Bearer slot-secret', 'x-crm': 'kept' });
      expect(elsewhere.received[0]!.headers.authorization).toBeUndefined();
      expect(elsewhere.received[0]!.headers['x-crm']).toBeUndefined();
      expect(landed[1]).toMatchObject({ method: 'GET', body: '' });
      expect(landed[1]!.headers['content-type']).toBeUndefined();
      expect(landed[1]!.headers.authorization).toBe('Bearer slot-secret');
    } finally {
      await elsewhere.close();
    }
  });

  it('drops every slot header and the signature on a 307/308 to another origin (another port), keeps them on the same origin', async () => {
    const elsewhere = await startReceiver();
    try {
      receiver = await startReceiver((req, res) => {
        if (req.url.startsWith('/away')) res.writeHead(req.method === 'POST' ? 308 : 307, { location: `${elsewhere.url}/landed` }).end();
        else if (req.url === '/same') res.writeHead(307, { location: '/here' }).end();
        else res.end();
      });
      fetcher = new UndiciFetcher();
      const secret = 'slot-signing-secret-0123456789';
      const slotHeaders = { 'X-Api-Key': 'k-123', Authorization: 'Bearer s', 'X-Tenant': 'acme', Cookie: 'sid=1' };
      for (const method of ['GET', 'POST'] as const) {
        const res = await fetcher.fetch({
          url: `${receiver.url}/away-${method}`,
          method,
          headers: { ...slotHeaders, ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}), 'Idempotency-Key': `id-${method}` },
          body: method === 'POST' ? '{"a":1}' : undefined,
          cancellation: new Cancellation(),
          signingSecret: secret,
        });
        expect(res.status).toBe(200);
      }
      await fetcher.fetch({ url: `${receiver.url}/same`, method: 'GET', headers: slotHeaders, cancellation: new Cancellation(), signingSecret: secret });
      expect(
        receiver.received.filter((r) => r.url.startsWith('/away')).every((r) => r.headers['x-api-key'] === 'k-123' && r.headers['x-callhook-signature']),
      ).toBe(true);
      expect(elsewhere.received).toHaveLength(2);
      for (const landed of elsewhere.received) {
        for (const name of ['x-api-key', 'authorization', 'x-tenant', 'cookie', 'x-callhook-signature']) expect(landed.headers[name], name).toBeUndefined();
        expect(landed.headers['user-agent']).toBe(USER_AGENT);
        expect(landed.headers['idempotency-key']).toMatch(/^id-/);
      }
      const posted = elsewhere.received.find((r) => r.method === 'POST')!;
      expect(posted).toMatchObject({ body: '{"a":1}' });
      expect(posted.headers['content-type']).toBe('application/json');
      const here = receiver.received.find((r) => r.url === '/here')!;
      expect(here.headers).toMatchObject({ 'x-api-key': 'k-123', 'x-tenant': 'acme' });
      expect(verifySignature(String(here.headers['x-callhook-signature']), secret, '', Math.floor(Date.now() / 1000))).toBe(true);
    } finally {
      await elsewhere.close();
    }
  });

  it('caps how much of a response body it reads, and reports refused connections', async () => {
    receiver = await startReceiver((_req, res) => res.end(Buffer.alloc(2 * 1024 * 1024, 97)));
    const { d, records } = dispatcher({ maxBodyBytes: 1024 });
    d.submit(pendingDelivery(`${receiver.url}/big`));
    d.submit(pendingDelivery('http://127.0.0.1:9/closed'));
    await d.drain(30_000);
    expect(records.find((r) => r.url.endsWith('/big'))).toMatchObject({ outcome: 'delivered', status: 200 });
    expect(records.find((r) => r.url.endsWith('/closed'))).toMatchObject({ outcome: 'network_error', final: true });
  });

  it('takes the final status after an informational 103, and cancels between redirect hops', async () => {
    receiver = await startReceiver((req, res) => {
      if (req.url === '/hints') {
        res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
        res.writeHead(201).end('made');
      } else if (req.url === '/hop') res.writeHead(302, { location: '/slow' }).end();
      // '/slow' never answers
    });
    fetcher = new UndiciFetcher();
    expect(await fetcher.fetch({ url: `${receiver.url}/hints`, method: 'GET', headers: {}, cancellation: new Cancellation() })).toEqual({ status: 201 });
    const cancellation = new Cancellation();
    const redirected = fetcher.fetch({ url: `${receiver.url}/hop`, method: 'GET', headers: {}, cancellation });
    while (!receiver.received.some((r) => r.url === '/slow')) await new Promise((r) => setTimeout(r, 5));
    cancellation.cancel(new Error('gave up on the second hop'));
    await expect(redirected).rejects.toThrow('gave up on the second hop');
  });

  it('ends a request cancelled while it waits for a pooled connection, without sending it', async () => {
    receiver = await startReceiver((req, res) => {
      if (req.url !== '/hang') res.end();
    });
    fetcher = new UndiciFetcher({ connectionsPerOrigin: 1 });
    const hanging = new Cancellation();
    const first = fetcher.fetch({ url: `${receiver.url}/hang`, method: 'GET', headers: {}, cancellation: hanging });
    const queued = new Cancellation();
    const second = fetcher.fetch({ url: `${receiver.url}/queued`, method: 'GET', headers: {}, cancellation: queued });
    while (receiver.received.length === 0) await new Promise((r) => setTimeout(r, 5));
    queued.cancel(new Error('gave up while queued'));
    await expect(second).rejects.toThrow('gave up while queued');
    hanging.cancel(new Error('gave up'));
    await expect(first).rejects.toThrow('gave up');
    // The pool's one connection is free again and the cancelled request never went out.
    expect(await fetcher.fetch({ url: `${receiver.url}/after`, method: 'GET', headers: {}, cancellation: new Cancellation() })).toEqual({ status: 200 });
    expect(receiver.received.map((r) => r.url)).toEqual(['/hang', '/after']);
  });

  it('validates https certificates, trusting a custom CA when given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callhook-tls-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const tls = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
    receiver = await startReceiver(undefined, tls);
    const untrusting = dispatcher();
    untrusting.d.submit(pendingDelivery(`${receiver.url}/tls`));
    await untrusting.d.drain(30_000);
    expect(untrusting.records[0]).toMatchObject({ outcome: 'network_error' });
    expect(untrusting.records[0]!.error).toMatch(/certificate/i);
    await fetcher.close();
    const trusting = dispatcher({ ca: tls.cert });
    trusting.d.submit(pendingDelivery(`${receiver.url}/tls`));
    await trusting.d.drain(30_000);
    expect(trusting.records[0]).toMatchObject({ outcome: 'delivered', status: 200 });
  });
});

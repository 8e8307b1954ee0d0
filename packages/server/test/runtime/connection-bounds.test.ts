import { loadSettings } from '@callhook/core';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { peerKey, startServer, type RunningServer } from '../../src/index.js';
import { rawGet } from '../support/raw-client.js';
import { waitFor } from '@callhook/test-support';
import { testSettings } from '../support/test-app.js';

let server: RunningServer | null = null;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.stop(1_000);
  server = null;
});

/** A fresh connection (no agent) for each request, as a script or a CRM would open it. */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 20_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

/** An idle TCP connection from `localAddress` that never sends a byte; kept for afterEach. */
function idle(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve(socket));
    socket.once('close', () => resolve(socket));
  });
}

describe('idle connections', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('peerKey(%s) = %s', (address, key) => {
    expect(peerKey(address)).toBe(key);
  });

  it('hundreds of idle sockets, from another peer and from the same one, leave /healthz, make_call and an open SSE stream answered; counts stay within the caps', async () => {
    const limits = { maxConnections: 100, maxConnectionsPerPeer: 60, firstRequestTimeoutMs: 3_000 };
    server = await startServer({ settings: loadSettings(testSettings({ listen: ['127.0.0.1'] })), dataDir: ':memory:', port: 0, listener: limits });
    const port = server.port!;
    const stream = await rawGet(port, '/api/v1/events', true);
    sockets.push(stream.socket);
    await waitFor(() => stream.received().includes('event: line'), 'the SSE stream to start');

    const guard = () => server!.connections()!;
    let maxOpen = 0;
    for (const from of ['127.0.0.2', '127.0.0.1']) {
      for (let i = 0; i < 300; i++) {
        await idle(port, from);
        maxOpen = Math.max(maxOpen, guard().open);
      }
      const health = await get(port, '/healthz');
      expect(health.status).toBe(200);
      const call = await get(port, `/?action=make_call&target=${from === '127.0.0.1' ? 11 : 12}`);
      expect(call.status).toBe(200);
    }
    const afterFlood = guard();
    console.log(
      `connection bounds: 600 idle sockets opened, peak ${afterFlood.peak} open (cap ${limits.maxConnections}), evicted ${afterFlood.evicted}, refused ${afterFlood.refused}`,
    );
    expect(maxOpen).toBeLessThanOrEqual(limits.maxConnections);
    expect(afterFlood.peak).toBeLessThanOrEqual(limits.maxConnections);
    expect(afterFlood.evicted).toBeGreaterThanOrEqual(600 - limits.maxConnections);
    expect(stream.closed()).toBe(false);

    // Idle sockets that never send a request are closed after firstRequestTimeoutMs; the stream stays.
    await waitFor(() => guard().open === 1, 'the idle sockets to be closed', 30_000);
    expect(guard().idleClosed).toBeGreaterThan(0);
    expect(stream.closed()).toBe(false);
    expect(
      server.engine
        .activeCalls()
        .map((c) => c.remoteParty)
        .sort(),
    ).toEqual(['11', '12']);
  }, 120_000);

  it('a peer is held to maxConnectionsPerPeer while another keeps its connections', async () => {
    const limits = { maxConnections: 200, maxConnectionsPerPeer: 20, firstRequestTimeoutMs: 60_000 };
    server = await startServer({ settings: loadSettings(testSettings({ listen: ['127.0.0.1'] })), dataDir: ':memory:', port: 0, listener: limits });
    const port = server.port!;
    const kept: Socket[] = [];
    for (let i = 0; i < 10; i++) kept.push(await idle(port, '127.0.0.3'));
    for (let i = 0; i < 100; i++) await idle(port, '127.0.0.4');
    await waitFor(() => server!.connections()!.open === 30, 'the per-peer cap to hold (10 + 20 open)');
    expect(kept.every((socket) => !socket.destroyed)).toBe(true);
    expect(server.connections()!.evicted).toBe(80);
  }, 60_000);
});

import { connect, type Socket } from 'node:net';
import { silentLogger } from '@callhook/core';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpEndpoint } from '../src/index.js';
import { SimulatedClock } from '@callhook/test-support';
import { startTestLine, startUac } from './support/sip-line-under-sipp.js';
import { waitFor } from '@callhook/test-support';

interface Client {
  socket: Socket;
  closed: boolean;
}

const clients: Client[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.destroy();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Opens an idle TCP connection from `localAddress`; resolves once connected. */
async function idle(port: number, localAddress = '127.0.0.1'): Promise<Client> {
  const socket = connect({ host: '127.0.0.1', port, localAddress });
  const client: Client = { socket, closed: false };
  clients.push(client);
  socket.on('error', () => undefined);
  socket.on('close', () => (client.closed = true));
  await new Promise<void>((resolve) => {
    socket.once('connect', () => resolve());
    socket.once('close', () => resolve());
  });
  return client;
}

describe('SIP TCP connection limits (issue 9: idle connections exhausted descriptors)', () => {
  it('closes connections beyond the per-peer and total caps at once and keeps taking calls', async () => {
    const { line, target } = await startTestLine((cleanup) => cleanups.push(cleanup), {
      transport: 'tcp',
      autoAnswer: true,
      tcp: { maxConnections: 8, maxConnectionsPerPeer: 5, firstRequestTimeoutSeconds: 300 },
    });
    const port = line.localAddress!.port;
    const fromOne: Client[] = [];
    for (let index = 0; index < 20; index++) fromOne.push(await idle(port, '127.0.0.1'));
    await waitFor(() => fromOne.filter((client) => client.closed).length === 15, '15 of 20 connections from one address closed', 15_000);
    const fromTwo: Client[] = [];
    for (let index = 0; index < 6; index++) fromTwo.push(await idle(port, '127.0.0.2'));
    await waitFor(() => fromTwo.filter((client) => client.closed).length === 3, '3 of 6 connections from a second address closed (8 in all)', 15_000);
    // Held connections stay held: none of the admitted ones was closed.
    expect(fromOne.filter((client) => !client.closed)).toHaveLength(5);
    expect(line.status().state).toBe('ready');
    // Once the idle connections go, a real call gets through.
    for (const client of clients) client.socket.destroy();
    await waitFor(() => clients.every((client) => client.closed), 'idle clients closed', 10_000);
    const sipp = await startUac((cleanup) => cleanups.push(cleanup), target, { extra: ['-d', '100'], timeout: '15s', transport: 'tcp' });
    const result = await sipp.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('closes a connection that sends no valid SIP message within the first-message deadline', async () => {
    const clock = new SimulatedClock(0);
    const endpoint = await TcpEndpoint.listen('127.0.0.1', 0, silentLogger, {
      clock,
      limits: { maxConnections: 100, maxConnectionsPerPeer: 100, firstMessageTimeoutMs: 5_000 },
    });
    cleanups.push(() => endpoint.close());
    const received: string[] = [];
    endpoint.onMessage = (message) => received.push(message.text);
    const port = endpoint.local.port;
    const silent = [await idle(port), await idle(port), await idle(port)];
    const garbage = await idle(port);
    garbage.socket.write('HELLO\r\nContent-Length: 0\r\n\r\n');
    const talker = await idle(port);
    talker.socket.write(
      [
        'OPTIONS sip:303@127.0.0.1 SIP/2.0',
        'Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-1',
        'From: <sip:a@127.0.0.1>;tag=1',
        'To: <sip:303@127.0.0.1>',
        'Call-ID: limits-1',
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    await waitFor(() => endpoint.openConnections === 5 && received.length === 2, 'five connections adopted and two messages framed', 10_000);
    await clock.advance(4_999);
    expect([...silent, garbage, talker].some((client) => client.closed)).toBe(false);
    await clock.advance(1);
    await waitFor(() => [...silent, garbage].every((client) => client.closed), 'silent and garbage connections closed', 10_000);
    expect(talker.closed).toBe(false);
    expect(endpoint.openConnections).toBe(1);
  });
});

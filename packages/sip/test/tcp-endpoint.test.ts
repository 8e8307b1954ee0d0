import { silentLogger } from '@callhook/core';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpEndpoint, type InboundMessage } from '../src/index.js';
import { waitFor } from '@callhook/test-support';

const message = (n: number) => `OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nCSeq: ${n} OPTIONS\r\nContent-Length: 0\r\n\r\n`;

describe('TcpEndpoint', () => {
  const endpoints: TcpEndpoint[] = [];
  afterEach(async () => {
    await Promise.all(endpoints.splice(0).map((endpoint) => endpoint.close()));
  });

  it('reuses one connection per peer, in both directions', async () => {
    const alice = await TcpEndpoint.listen('127.0.0.1', 0, silentLogger);
    const bob = await TcpEndpoint.listen('127.0.0.1', 0, silentLogger);
    endpoints.push(alice, bob);
    const atBob: InboundMessage[] = [];
    const atAlice: InboundMessage[] = [];
    bob.onMessage = (inbound) => atBob.push(inbound);
    alice.onMessage = (inbound) => atAlice.push(inbound);
    await Promise.all([1, 2, 3].map((n) => alice.send(message(n), bob.local)));
    await waitFor(() => atBob.length === 3, 'three messages at bob');
    expect(new Set(atBob.map((inbound) => inbound.connection)).size).toBe(1);
    // Bob answers to where the connection comes from: the same socket carries it back.
    await bob.send(message(4), atBob[0]!.from);
    await waitFor(() => atAlice.length === 1, 'an answer at alice');
    expect(atAlice[0]!.from).toEqual(bob.local);
    expect(atBob.map((inbound) => /CSeq: (\d)/.exec(inbound.text)?.[1]).sort()).toEqual(['1', '2', '3']);
  });
});

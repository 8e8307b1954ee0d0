import { SimulatedClock } from '@callhook/test-support';
import { describe, expect, it } from 'vitest';
import { InviteAdmission, NodeSipTransport, peekSipMessage, SipLineSchema, type InboundMessage, type SipEndpoint } from '../src/index.js';
import { serviceUnavailableResponse } from '../src/message/stateless-response.js';
import { stampReceived } from '../src/message/via-received.js';

const CRLF = '\r\n';

function request(method: string, branch: string, options: { toTag?: string; cseq?: number } = {}): string {
  return [
    `${method} sip:303@127.0.0.1:5060 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-${branch}`,
    'From: <sip:4711@127.0.0.1>;tag=caller',
    `To: <sip:303@127.0.0.1>${options.toTag ? `;tag=${options.toTag}` : ''}`,
    `Call-ID: call-${branch}`,
    `CSeq: ${options.cseq ?? 1} ${method}`,
    'Max-Forwards: 70',
    'Content-Length: 0',
    '',
    '',
  ].join(CRLF);
}

describe('InviteAdmission', () => {
  function admission(maxPending: number, perTurn = 1) {
    const started: string[] = [];
    const turns: (() => void)[] = [];
    const queue = new InviteAdmission<string>({
      maxPending,
      perTurn,
      start: (item) => {
        if (item === 'throws') throw new Error('boom');
        started.push(item);
      },
      onError: (error) => started.push(`error: ${(error as Error).message}`),
      defer: (callback) => turns.push(callback),
    });
    const turn = () => turns.shift()?.();
    return { queue, started, turns, turn };
  }

  it('starts waiting INVITEs one per turn, in order, and refuses beyond maxPending', () => {
    const { queue, started, turns, turn } = admission(2);
    expect(queue.offer('a', 'a')).toBe('queued');
    expect(queue.offer('b', 'b')).toBe('queued');
    expect(queue.offer('c', 'c')).toBe('full');
    expect(queue.offer('a', 'a again')).toBe('duplicate');
    expect(started).toEqual([]);
    expect(turns).toHaveLength(1);
    turn();
    expect(started).toEqual(['a']);
    expect(queue.offer('c', 'c')).toBe('queued');
    turn();
    turn();
    expect(started).toEqual(['a', 'b', 'c']);
    expect(turns).toHaveLength(0);
    expect(queue.peakPending).toBe(2);
  });

  it('starts perTurn per turn, reports a throwing start and carries on', () => {
    const { queue, started, turn } = admission(10, 2);
    for (const item of ['a', 'throws', 'b']) queue.offer(item, item);
    turn();
    expect(started).toEqual(['a', 'error: boom']);
    turn();
    expect(started).toEqual(['a', 'error: boom', 'b']);
  });

  it('hands out a waiting INVITE on request and forgets everything on clear', () => {
    const { queue, started, turn } = admission(10);
    queue.offer('a', 'a');
    queue.offer('b', 'b');
    expect(queue.take('b')).toBe('b');
    expect(queue.take('b')).toBeUndefined();
    expect(queue.clear()).toEqual(['a']);
    turn();
    expect(started).toEqual([]);
  });
});

describe('NodeSipTransport under overload', () => {
  /** The transport on a fake endpoint; full peeks are counted. */
  function transport(maxPendingInvites: number) {
    const sent: string[] = [];
    const endpoint: SipEndpoint = {
      protocol: 'UDP',
      local: { address: '127.0.0.1', port: 5060 },
      onMessage: undefined,
      send: async (text) => void sent.push(text),
      close: async () => undefined,
      keepAlive: () => undefined,
      keepAliveStats: { sent: 0, answered: 0 },
    };
    const logs: string[] = [];
    const clock = new SimulatedClock(0);
    const peeks = { count: 0 };
    const sip = new NodeSipTransport(undefined, {
      endpoint,
      clock,
      logger: { log: (level, message) => logs.push(`${level}: ${message}`) },
      overload: { maxPendingInvites, retryAfterSeconds: 7 },
      peek: (text) => {
        peeks.count++;
        return peekSipMessage(text);
      },
    });
    const delivered: string[] = [];
    sip.onMessage = (text) => {
      delivered.push(text.split(CRLF)[0]!.split(' ')[0] + ' ' + /branch=z9hG4bK-([\w-]+)/.exec(text)![1]);
    };
    const receive = (text: string, from = { address: '127.0.0.1', port: 5070 }) => endpoint.onMessage!({ text, from } satisfies InboundMessage);
    return { sip, sent, delivered, receive, logs, clock, peeks };
  }

  it('hands in-dialog requests over at once, queues new INVITEs, and refuses the excess with 503 + Retry-After', async () => {
    const { sip, sent, delivered, receive, logs } = transport(2);
    await sip.connect();
    receive(request('INVITE', 'one'));
    receive(request('INVITE', 'two'));
    receive(request('INVITE', 'three'));
    receive(request('BYE', 'bye', { toTag: 'x', cseq: 2 }));
    receive(request('ACK', 'ack', { toTag: 'x' }));
    // The BYE and ACK went to the stack ahead of the INVITEs read before them; the third INVITE was refused.
    expect(delivered).toEqual(['BYE bye', 'ACK ack']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^SIP\/2\.0 503 Service Unavailable\r\n/);
    expect(sent[0]).toMatch(/\r\nVia: SIP\/2\.0\/UDP 127\.0\.0\.1:5070;branch=z9hG4bK-three(;[^\r]*)?\r\n/);
    expect(sent[0]).toMatch(/\r\nTo: <sip:303@127\.0\.0\.1>;tag=[0-9a-f]{16}\r\n/);
    expect(sent[0]).toMatch(/\r\nCSeq: 1 INVITE\r\nRetry-After: 7\r\n/);
    expect(logs.filter((line) => line.startsWith('warn: overloaded'))).toHaveLength(1);
    expect(delivered).toEqual(['BYE bye', 'ACK ack', 'INVITE one']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(delivered).toEqual(['BYE bye', 'ACK ack', 'INVITE one', 'INVITE two']);

    // A retransmission of the refused INVITE gets the same 503 and is not counted again; its ACK stays here.
    receive(request('INVITE', 'three'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([sent[0], sent[0]]);
    receive(request('ACK', 'three'));
    // A retransmission of an admitted INVITE goes straight to the stack (it repeats its last response).
    receive(request('INVITE', 'one'));
    expect(delivered).toEqual(['BYE bye', 'ACK ack', 'INVITE one', 'INVITE two', 'INVITE one']);
    expect(sip.overloadStats()).toEqual({ admitted: 2, shed: 1, refusalsRepeated: 1, pending: 0, peakPending: 2 });
    await sip.disconnect();
  });

  it("repeats a refused INVITE's 503 byte for byte from memory, without a full peek or a sip.js parse", async () => {
    const { sip, sent, delivered, receive, clock, peeks } = transport(1);
    await sip.connect();
    receive(request('INVITE', 'waits'));
    const peeksBefore = peeks.count;
    receive(request('INVITE', 'refused'));
    for (let n = 0; n < 3; n++) receive(request('INVITE', 'refused'));
    // Refused and repeated from a glance: no full peek, nothing handed to sip.js.
    expect(peeks.count).toBe(peeksBefore);
    expect(delivered).toEqual([]);
    expect(sent).toHaveLength(4);
    expect(new Set(sent).size).toBe(1);
    expect(sent[0]).toMatch(/^SIP\/2\.0 503 Service Unavailable\r\n/);
    // Timer G repeats it over UDP (RFC 3261 §17.2.1) until the ACK, which also needs no full peek.
    await clock.advance(500);
    expect(sent).toHaveLength(5);
    receive(request('ACK', 'refused', { toTag: /;tag=(\w+)/.exec(sent[0]!.split('\r\nTo: ')[1]!)![1] }));
    expect(peeks.count).toBe(peeksBefore);
    await clock.advance(60_000);
    expect(sent).toHaveLength(5);
    expect(sent.every((text) => text === sent[0])).toBe(true);
    expect(sip.overloadStats()).toMatchObject({ shed: 1, refusalsRepeated: 3 });
    await sip.disconnect();
  });

  it('forgets a refused INVITE 64×T1 after its 503: later the same branch is a new INVITE, not a retransmission', async () => {
    const { sip, sent, delivered, receive, clock } = transport(1);
    await sip.connect();
    receive(request('INVITE', 'waits'));
    receive(request('INVITE', 'refused'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(delivered).toEqual(['INVITE waits']);
    expect(sent.filter((text) => text.startsWith('SIP/2.0 503'))).toHaveLength(1);
    receive(request('ACK', 'refused', { toTag: /;tag=(\w+)/.exec(sent[0]!.split('\r\nTo: ')[1]!)![1] }));
    await clock.advance(31_000);
    receive(request('INVITE', 'refused')); // still within Timer B: the 503 again, from memory
    expect(sip.overloadStats()).toMatchObject({ shed: 1, refusalsRepeated: 1 });
    await clock.advance(33_000);
    receive(request('INVITE', 'refused'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(delivered).toEqual(['INVITE waits', 'INVITE refused']);
    expect(sip.overloadStats()).toMatchObject({ admitted: 2, shed: 1, refusalsRepeated: 1 });
    await sip.disconnect();
  });

  it('refuses at a glance with the 503 the full peek would have built, Via stamped with received and rport', async () => {
    const sent: string[] = [];
    const endpoint: SipEndpoint = {
      protocol: 'UDP',
      local: { address: '127.0.0.1', port: 5060 },
      onMessage: undefined,
      send: async (text) => void sent.push(text),
      close: async () => undefined,
      keepAlive: () => undefined,
      keepAliveStats: { sent: 0, answered: 0 },
    };
    const zeros = { fill: (bytes: Uint8Array) => bytes.fill(0) };
    const sip = new NodeSipTransport(undefined, {
      endpoint,
      clock: new SimulatedClock(0),
      logger: { log: () => undefined },
      random: zeros,
      overload: { maxPendingInvites: 1, retryAfterSeconds: 9 },
    });
    sip.onMessage = () => undefined;
    await sip.connect();
    const from = { address: '127.0.0.2', port: 5999 };
    endpoint.onMessage!({ text: request('INVITE', 'first'), from });
    const text = [
      'INVITE sip:303@127.0.0.1:5060 SIP/2.0',
      'v: SIP/2.0/UDP 10.1.1.1:5070;rport;branch=z9hG4bK-glance , SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK-second',
      'Via: SIP/2.0/TCP proxy.example;branch=z9hG4bK-third',
      'f: "A" <sip:4711@example.org>;tag=caller',
      't: <sip:303@example.org>',
      'i: glance@example.org',
      'CSeq:  7  INVITE',
      'Max-Forwards: 70',
      'l: 0',
      '',
      '',
    ].join(CRLF);
    endpoint.onMessage!({ text, from });
    const expected = serviceUnavailableResponse(peekSipMessage(stampReceived(text, from)).echo, 9, '0000000000000000');
    expect(sent).toEqual([expected]);
    expect(expected).toContain(
      '\r\nVia: SIP/2.0/UDP 10.1.1.1:5070;rport=5999;branch=z9hG4bK-glance;received=127.0.0.2, SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK-second\r\n',
    );
    await sip.disconnect();
  });

  it('starts a waiting INVITE when its CANCEL arrives, ahead of the CANCEL', async () => {
    const { sip, delivered, receive } = transport(8);
    await sip.connect();
    receive(request('INVITE', 'first'));
    receive(request('INVITE', 'second'));
    receive(request('CANCEL', 'second'));
    expect(delivered).toEqual(['INVITE second', 'CANCEL second']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(delivered).toEqual(['INVITE second', 'CANCEL second', 'INVITE first']);
    await sip.disconnect();
  });

  it('drops what waits when the line stops', async () => {
    const { sip, delivered, receive, logs } = transport(8);
    await sip.connect();
    receive(request('INVITE', 'late'));
    await sip.disconnect();
    await new Promise((resolve) => setImmediate(resolve));
    expect(delivered).toEqual([]);
    expect(logs).toContain('info: new calls not started: the line is stopping');
  });
});

describe('line.overload settings', () => {
  it('defaults to 32 waiting INVITEs and Retry-After 5, and names the field when out of range', () => {
    const base = { type: 'sip', aor: 'sip:303@127.0.0.1' };
    expect(SipLineSchema.parse(base).overload).toEqual({ maxPendingInvites: 32, retryAfterSeconds: 5 });
    const bad = SipLineSchema.safeParse({ ...base, overload: { maxPendingInvites: 0 } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/line\.overload\.maxPendingInvites is at least 1/);
    expect(SipLineSchema.safeParse({ ...base, overload: { retryAfterSeconds: 0.5 } }).success).toBe(false);
  });
});

import { createSocket, type Socket } from 'node:dgram';
import { SipLineSchema } from '../src/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createSipLine, peekSipMessage, type SipLine } from '../src/index.js';
import { EventRecorder } from './support/event-recorder.js';
import { sleep, waitFor } from '@callhook/test-support';

const timers = { t1: 100, t2: 800 };

/** A UDP peer that records what it gets and answers only when told. */
async function silentPeer(): Promise<{ socket: Socket; port: number; received: { text: string; at: number }[] }> {
  const socket = createSocket('udp4');
  const received: { text: string; at: number }[] = [];
  socket.on('message', (data) => received.push({ text: data.toString(), at: Date.now() }));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return { socket, port: socket.address().port, received };
}

describe('UDP retransmission against a silent peer', () => {
  let line: SipLine | undefined;
  let peer: Awaited<ReturnType<typeof silentPeer>> | undefined;
  afterEach(async () => {
    await line?.stop();
    peer?.socket.close();
  });

  it('retransmits an unanswered INVITE with doubling intervals', async () => {
    peer = await silentPeer();
    line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1' }), { timers });
    await line.start();
    await line.execute({ type: 'make_call', callId: 'c1', target: `sip:nobody@127.0.0.1:${peer.port}` });
    await waitFor(() => peer!.received.length >= 4, '4 copies of the INVITE');
    const invites = peer.received.filter((message) => message.text.startsWith('INVITE '));
    expect(new Set(invites.map((message) => peekSipMessage(message.text).via.branch)).size).toBe(1);
    const gaps = invites.slice(1, 4).map((message, index) => message.at - invites[index]!.at);
    // Nominally 100, 200, 400 ms. On a loaded machine both the timers and this process's receive
    // callbacks run late, so single gaps jitter by tens of ms; their sum and the trend do not.
    expect(gaps[0]! + gaps[1]! + gaps[2]!).toBeGreaterThanOrEqual(600);
    expect(gaps[2]!).toBeGreaterThanOrEqual(300);
    expect(gaps[2]!).toBeGreaterThan(gaps[0]!);
  });

  it('retransmits a 603 until the ACK arrives', async () => {
    peer = await silentPeer();
    line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1' }), { timers });
    const events = new EventRecorder(line);
    await line.start();
    const port = line.localAddress!.port;
    const via = `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-retrans-1`;
    const head = [
      `Via: ${via}`,
      'From: <sip:caller@127.0.0.1>;tag=a1',
      `To: <sip:303@127.0.0.1:${port}>`,
      'Call-ID: retrans-1@test',
      'CSeq: 1 INVITE',
      'Max-Forwards: 70',
      `Contact: <sip:caller@127.0.0.1:${peer.port}>`,
    ];
    const send = (text: string) => new Promise<void>((resolve) => peer!.socket.send(text, port, '127.0.0.1', () => resolve()));
    await send(['INVITE sip:303@127.0.0.1 SIP/2.0', ...head, 'Content-Length: 0', '', ''].join('\r\n'));
    const incoming = await events.waitFor('incoming');
    await line.execute({ type: 'hangup', lineCallId: incoming.lineCallId });
    await waitFor(() => peer!.received.filter((message) => message.text.startsWith('SIP/2.0 603')).length >= 3, 'three 603s');
    await send(
      [
        'ACK sip:303@127.0.0.1 SIP/2.0',
        `Via: ${via}`,
        'From: <sip:caller@127.0.0.1>;tag=a1',
        `To: <sip:303@127.0.0.1:${port}>;tag=${/To: .*;tag=(\S+)/.exec(peer.received.find((message) => message.text.startsWith('SIP/2.0 603'))!.text)?.[1]}`,
        'Call-ID: retrans-1@test',
        'CSeq: 1 ACK',
        'Max-Forwards: 70',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    await sleep(100);
    const count = peer.received.filter((message) => message.text.startsWith('SIP/2.0 603')).length;
    await sleep(1_000);
    expect(peer.received.filter((message) => message.text.startsWith('SIP/2.0 603')).length).toBe(count);
    expect(await events.waitFor('ended')).toMatchObject({ by: 'local', cause: 'rejected' });
  });
});

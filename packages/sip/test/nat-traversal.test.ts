import { createSocket, type Socket } from 'node:dgram';
import { waitFor } from '@callhook/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSipLine, SipLineSchema, type SipLine } from '../src/index.js';
import { EventRecorder } from './support/event-recorder.js';
import { startKamailio, type Kamailio } from './support/kamailio.js';
import { createTestCa, type TestCa } from './support/test-ca.js';

// Outbound proxy, NAT keep-alives (RFC 5626 §4.4.1) and received/rport (RFC 3581) against real peers.
let ca: TestCa;
let kamailio: Kamailio;
beforeAll(async () => {
  ca = createTestCa();
  kamailio = await startKamailio({ tls: ca.issue('pbx', 'IP:127.0.0.1') });
});
afterAll(async () => {
  await kamailio?.stop();
  ca?.remove();
});

async function udpSocket(): Promise<{ socket: Socket; port: number; received: { text: string; port: number }[] }> {
  const socket = createSocket('udp4');
  const received: { text: string; port: number }[] = [];
  socket.on('message', (data, info) => received.push({ text: data.toString('latin1'), port: info.port }));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return { socket, port: socket.address().port, received };
}

describe('outbound proxy, keep-alives and rport', () => {
  let line: SipLine | undefined;
  let socket: Socket | undefined;
  afterEach(async () => {
    await line?.stop();
    socket?.close();
    line = undefined;
    socket = undefined;
  });

  it('registers through the outbound proxy without ever resolving the registrar, and says so in the status', async () => {
    line = createSipLine(
      SipLineSchema.parse({ type: 'sip', aor: 'sip:531@127.0.0.1', password: 'secret', registrar: 'pbx.invalid', outboundProxy: kamailio.address }),
    );
    const events = new EventRecorder(line);
    await line.start();
    const status = await events.waitFor('status', (event) => ['ready', 'failed'].includes(event.status.state), 15_000);
    expect(status.status).toEqual({ state: 'ready', detail: `registered at pbx.invalid via ${kamailio.address} over UDP` });
  });

  it('pings the TLS connection with CRLF and counts the registrar’s pongs', async () => {
    line = createSipLine(
      SipLineSchema.parse({
        type: 'sip',
        aor: 'sip:532@127.0.0.1',
        password: 'secret',
        registrar: kamailio.tlsAddress,
        transport: 'tls',
        tls: { caFile: ca.caFile },
        keepAliveSeconds: 1,
      }),
    );
    const events = new EventRecorder(line);
    await line.start();
    await events.waitFor('status', (event) => event.status.state === 'ready', 15_000);
    await waitFor(() => (line!.keepAliveStats?.answered ?? 0) >= 2, 'two answered CRLF keep-alives', 20_000);
    expect(line.keepAliveStats!.sent).toBeGreaterThanOrEqual(2);
    expect(line.status().state).toBe('ready');
  });

  it('sends CRLF keep-alive datagrams to a UDP registrar', async () => {
    const registrar = await udpSocket();
    socket = registrar.socket;
    line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:533@127.0.0.1', registrar: `127.0.0.1:${registrar.port}`, keepAliveSeconds: 1 }));
    await line.start();
    const { port, dialogPort } = line.localAddress!;
    const pings = () => registrar.received.filter((message) => message.text === '\r\n\r\n');
    await waitFor(() => pings().length >= 4, 'four CRLF keep-alives', 20_000);
    // From the line's SIP port, so they keep its NAT binding (the one the registrar sends to) open, and from its
    // in-dialog port (line.dialogPort), where a PBX sends the BYE of a call that lasts longer than the binding.
    expect(new Set(pings().map((message) => message.port))).toEqual(new Set([port, dialogPort]));
  });

  it('answers with received and rport in the Via when the sent-by is not where the request came from', async () => {
    line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:534@127.0.0.1' }));
    await line.start();
    const peer = await udpSocket();
    socket = peer.socket;
    const request = [
      `OPTIONS sip:534@127.0.0.1:${line.localAddress!.port} SIP/2.0`,
      'Via: SIP/2.0/UDP 192.168.77.7:5060;branch=z9hG4bKnat1;rport',
      'From: <sip:nat@192.168.77.7>;tag=n1',
      'To: <sip:534@127.0.0.1>',
      'Call-ID: nat-rport-1',
      'CSeq: 1 OPTIONS',
      'Max-Forwards: 70',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    peer.socket.send(request, line.localAddress!.port, '127.0.0.1');
    await waitFor(() => peer.received.some((message) => message.text.startsWith('SIP/2.0 ')), 'a response to OPTIONS', 10_000);
    const response = peer.received.find((message) => message.text.startsWith('SIP/2.0 '))!.text;
    expect(response).toMatch(new RegExp(`^Via: SIP/2\\.0/UDP 192\\.168\\.77\\.7:5060;branch=z9hG4bKnat1;rport=${peer.port};received=127\\.0\\.0\\.1\\r$`, 'm'));
  });
});

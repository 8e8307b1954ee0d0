import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { offerSdp, startLineWithUac } from './support/raw-uac.js';
import { waitFor } from '@callhook/test-support';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startLine(settings: Record<string, unknown> = {}) {
  const warnings: string[] = [];
  const started = await startLineWithUac(
    { autoAnswer: false, ...settings },
    { logger: { log: (level, message) => level === 'warn' && warnings.push(message) } },
    cleanups,
  );
  return { ...started, warnings };
}

const header = (text: string, name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(text)?.[1]?.trim();

describe('a tel: URI in From (RFC 3261 §20.20, RFC 3966; issue 14 §2)', () => {
  it('rings, reports the number as the party and carries the call through to the line hanging up', async () => {
    const { line, events, uac } = await startLine();
    const callId = uac.invite(offerSdp('127.0.0.1', 40_000), randomUUID(), { from: '"Anna" <tel:+4930123458>;tag=raw1' });
    const incoming = await events.waitFor('incoming');
    expect(incoming).toMatchObject({ remoteParty: '+4930123458', remoteName: 'Anna' });
    await waitFor(() => uac.responses.some((response) => response.callId === callId && response.status === 180), '180 Ringing');
    await line.execute({ type: 'answer', lineCallId: incoming.lineCallId });
    const ok = await uac.waitFinal(callId);
    expect(ok.status).toBe(200);
    // It rang once: sip.js's automatic 180 and the line's own made two (this UAC never retransmits its INVITE).
    expect(uac.responses.filter((response) => response.callId === callId && response.status === 180)).toHaveLength(1);
    expect(header(ok.text, 'From')).toBe('"Anna" <tel:+4930123458>;tag=raw1');
    uac.ack(callId);
    await events.waitFor('answered');
    await line.execute({ type: 'hangup', lineCallId: incoming.lineCallId });
    await waitFor(() => uac.requests.some((request) => request.startsWith('BYE ')), 'the line BYE');
    const bye = uac.requests.find((request) => request.startsWith('BYE '))!;
    // The dialog's remote URI is the tel: URI, written back without "//" (patched sip.js URI).
    expect(header(bye, 'To')).toBe('<tel:+4930123458>;tag=raw1');
    await events.waitFor('ended', (event) => event.by === 'local');
  });

  it('takes a tel: addr-spec without angle brackets and with a phone-context', async () => {
    const { events, uac } = await startLine();
    uac.invite(offerSdp('127.0.0.1', 40_000), randomUUID(), { from: 'tel:7042;phone-context=+4930123;tag=raw1' });
    expect(await events.waitFor('incoming')).toMatchObject({ remoteParty: '7042', remoteName: null });
  });
});

describe('a request that passes our pre-parser but that sip.js cannot parse gets 400 (never silence)', () => {
  it.each([
    ['a From with a URI scheme sip.js does not know', { from: '<urn:service:sos>;tag=raw1' }, 'Malformed From header field'],
    ['a tel: From with no number', { from: '<tel:>;tag=raw1' }, 'Malformed From header field'],
    ['an unterminated Contact', { headers: ['Contact: <sip:raw@127.0.0.1:9', 'Content-Type: application/sdp'] }, 'Malformed Contact header field'],
    ['a Max-Forwards that is not a number', { headers: ['Max-Forwards: many', 'Content-Type: application/sdp'] }, 'Malformed Max-Forwards header field'],
    ['a body without Content-Type (sip.js would reject a promise nobody catches)', { headers: [] }, 'Missing Content-Type header field'],
  ])('%s', async (_name, options, reason) => {
    const { line, events, uac, warnings } = await startLine();
    const callId = uac.invite(offerSdp('127.0.0.1', 40_000), randomUUID(), options);
    const final = await uac.waitFinal(callId);
    expect(final.text.split('\r\n')[0]).toBe(`SIP/2.0 400 ${reason}`);
    expect(header(final.text, 'Warning')).toBe(`399 callhook "${reason}"`);
    expect(header(final.text, 'Call-ID')).toBe(callId);
    expect(header(final.text, 'CSeq')).toBe('1 INVITE');
    expect(header(final.text, 'Via')).toMatch(new RegExp(`^SIP/2.0/UDP 127.0.0.1:${uac.port};branch=z9hG4bK-`));
    expect(header(final.text, 'To')).toMatch(/^<sip:303@127\.0\.0\.1:\d+>;tag=[0-9a-f]{16}$/);
    expect(warnings).toContain('refused a malformed sip request (400)');
    expect(events.types()).toEqual(['status:starting', 'status:ready']);
    expect(line.status().state).toBe('ready');
  });

  it('answers a Content-Length beyond the end of a UDP datagram with 400 (RFC 3261 §18.3)', async () => {
    const { uac } = await startLine();
    const callId = randomUUID();
    uac.sendText(
      [
        `INVITE sip:303@127.0.0.1 SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${uac.port};branch=z9hG4bK-${callId}`,
        'From: <sip:raw@127.0.0.1>;tag=raw1',
        'To: <sip:303@127.0.0.1>',
        `Call-ID: ${callId}`,
        'CSeq: 7 INVITE',
        'Content-Type: application/sdp',
        'Content-Length: 500',
        '',
        'v=0\r\n',
      ].join('\r\n'),
    );
    const final = await uac.waitFinal(callId);
    expect(final.text.split('\r\n')[0]).toBe('SIP/2.0 400 Content-Length beyond the end of the message');
  });

  it('never answers an ACK, even one it cannot parse', async () => {
    const { uac } = await startLine();
    const ackCallId = randomUUID();
    uac.sendText(
      [
        `ACK sip:303@127.0.0.1 SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${uac.port};branch=z9hG4bK-${ackCallId}`,
        'From: <urn:x>;tag=raw1',
        'To: <sip:303@127.0.0.1>;tag=x',
        `Call-ID: ${ackCallId}`,
        'CSeq: 1 ACK',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    // A later INVITE's 400 proves the ACK was processed first (one socket, in order) without an answer.
    const callId = uac.invite(offerSdp('127.0.0.1', 40_000), randomUUID(), { from: '<urn:x>;tag=raw1' });
    expect((await uac.waitFinal(callId)).status).toBe(400);
    expect(uac.responses.filter((response) => response.callId === ackCallId)).toEqual([]);
  });

  it('answers 400 over TCP on the connection the request came on', async () => {
    const { line } = await startLine({ transport: 'tcp' });
    const port = line.localAddress!.port;
    const callId = randomUUID();
    const socket = connect({ host: '127.0.0.1', port });
    cleanups.push(() => socket.destroy());
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      [
        `INVITE sip:303@127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-${callId}`,
        'From: <urn:x>;tag=raw1',
        `To: <sip:303@127.0.0.1:${port}>`,
        `Call-ID: ${callId}`,
        'CSeq: 1 INVITE',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    await waitFor(() => received.includes('\r\n\r\n'), 'a response on the connection');
    expect(received.split('\r\n')[0]).toBe('SIP/2.0 400 Malformed From header field');
    expect(header(received, 'Call-ID')).toBe(callId);
  });
});

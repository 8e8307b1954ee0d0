import { describe, expect, it } from 'vitest';
import { glanceOutgoing } from '../src/message/outgoing-glance.js';
import { peekSipMessage } from '../src/message/peek.js';

const CRLF = '\r\n';
const message = (...lines: string[]) => [...lines, '', ''].join(CRLF);

const samples = {
  ok: message(
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1-1-0;received=10.0.0.9;rport=5071',
    'Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK-below',
    'From: sipp <sip:sipp@127.0.0.1:5061>;tag=1SIPpTag001',
    'To: sut <sip:303@127.0.0.1:5060>;tag=abc',
    'CSeq: 1 INVITE',
    'Call-ID: 1-2@127.0.0.1',
    'Content-Length: 0',
  ),
  bye: message(
    'BYE sip:sipp@127.0.0.1:5061;transport=UDP SIP/2.0',
    'v: SIP/2.0/UDP 127.0.0.1;rport;branch=z9hG4bK123',
    'Route: <sip:proxy.example.com;lr>, <sip:second;lr>',
    'f: <sip:303@127.0.0.1>;tag=x',
    't: <sip:sipp@127.0.0.1:5061>;tag=y',
    'i: call-1',
    'CSeq: 7 bye',
    'l: 0',
  ),
  invite: message(
    'INVITE sip:420@pbx.example.com SIP/2.0',
    'Via: SIP/2.0/TCP [::1];branch=z9hG4bKv6',
    'From: <sip:303@pbx.example.com>;tag=t',
    'To: <sip:420@pbx.example.com>',
    'Call-ID: c2',
    'CSeq: 1 INVITE',
    'Content-Length: 0',
  ),
};

describe('glanceOutgoing (what the transport reads of a message it sends)', () => {
  it('reads what the full peek reads for routing', () => {
    for (const [name, text] of Object.entries(samples)) {
      const peeked = peekSipMessage(text);
      const { kind, method, statusCode, requestUri, via, cseqMethod, callId, hasToTag, firstRoute } = peeked;
      expect(glanceOutgoing(text), name).toEqual({ kind, method, statusCode, requestUri, via, cseqMethod, callId, hasToTag, firstRoute });
    }
    expect(glanceOutgoing(samples.bye)).toMatchObject({ method: 'BYE', cseqMethod: 'BYE', firstRoute: 'sip:proxy.example.com;lr', hasToTag: true });
    expect(glanceOutgoing(samples.invite)).toMatchObject({ hasToTag: false, via: { transport: 'TCP', host: '::1' } });
  });

  it('leaves to the full peek what it cannot read with certainty', () => {
    expect(glanceOutgoing(samples.ok.replace('CSeq: 1 INVITE', 'CSeq: 1 INVITE\r\n  continued'))).toBeUndefined();
    expect(glanceOutgoing(samples.ok.replace('Call-ID: 1-2@127.0.0.1\r\n', ''))).toBeUndefined();
    expect(glanceOutgoing(samples.ok.replace(/^Via: .*\r\n/gm, ''))).toBeUndefined();
    expect(glanceOutgoing(samples.ok.replace('SIP/2.0 200 OK', 'SIP/2.0 OK'))).toBeUndefined();
    expect(glanceOutgoing(samples.ok.slice(0, -4))).toBeUndefined();
    expect(glanceOutgoing(samples.ok.replace('Content-Length: 0', `X-Long: ${'a'.repeat(20_000)}\r\nContent-Length: 0`))).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { peekSipMessage } from '../src/index.js';
import { glanceRequest } from '../src/message/request-glance.js';

const CRLF = '\r\n';
const message = (...lines: string[]) => [...lines, '', ''].join(CRLF);
const INVITE = [
  'INVITE sip:303@127.0.0.1 SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1',
  'From: <sip:1@127.0.0.1>;tag=a',
  'To: <sip:303@127.0.0.1>',
  'Call-ID: one@127.0.0.1',
  'CSeq: 1 INVITE',
  'Content-Length: 0',
];

describe('glanceRequest', () => {
  it('reads what the full peek reads of the same request: branch, Call-ID, CSeq method, To tag and the echoed headers', () => {
    const texts = [
      message(...INVITE),
      message(
        'ack sip:303@h SIP/2.0',
        'v: SIP/2.0/UDP h;branch=z9hG4bKx',
        'v: SIP/2.0/UDP g;branch=y',
        'f: <sip:a@h>;tag=1',
        't: <sip:b@h> ; TAG=2',
        'i: abc',
        'CSeq: 9 ack',
        'l: 0',
      ),
      message(
        'INVITE sip:303@h SIP/2.0',
        'CSeq:   3   INVITE  ',
        'Call-ID:  c  ',
        'To: <sip:b@h>',
        'From: <sip:a@h>;tag=1',
        'Via: SIP/2.0/TCP [::1]:5070;branch=z9hG4bKq,SIP/2.0/UDP x',
      ),
    ];
    for (const text of texts) {
      const peeked = peekSipMessage(text);
      expect(glanceRequest(text)).toEqual({
        method: peeked.method,
        branch: peeked.via.branch,
        callId: peeked.callId,
        cseqMethod: peeked.cseqMethod,
        hasToTag: peeked.hasToTag,
        echo: peeked.echo,
      });
    }
  });

  it('leaves to the full peek what it cannot read with certainty', () => {
    const without = (name: string) => INVITE.filter((line) => !line.startsWith(name));
    for (const text of [
      message(...without('Via')),
      message(...without('From')),
      message(...without('To')),
      message(...without('Call-ID')),
      message(...without('CSeq')),
      message(...INVITE.map((line) => (line.startsWith('CSeq') ? 'CSeq: one INVITE' : line))),
      message(...INVITE.map((line) => (line.startsWith('Via') ? 'Via: nonsense' : line))),
      message(...INVITE, ' folded continuation'),
      message(...INVITE, 'no colon here'),
      message('SIP/2.0 200 OK', ...INVITE.slice(1)),
      INVITE.join(CRLF),
    ])
      expect(glanceRequest(text), text).toBeUndefined();
  });
});

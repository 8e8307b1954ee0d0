import { Core } from 'sip.js';
import { describe, expect, it } from 'vitest';
import { remoteIdentity } from '../src/line/remote-identity.js';

function invite(headers: string[]): Core.IncomingRequestMessage {
  const text = [
    'INVITE sip:303@127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1',
    'To: <sip:303@127.0.0.1>',
    'Call-ID: id-1',
    'CSeq: 1 INVITE',
    'Max-Forwards: 70',
    ...headers,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const message = Core.Parser.parseMessage(text, { log: () => undefined, error: () => undefined, warn: () => undefined, debug: () => undefined } as never);
  if (!(message instanceof Core.IncomingRequestMessage)) throw new Error('did not parse');
  return message;
}

const from = (value: string) => `From: ${value};tag=abc`;

describe('the caller of an incoming INVITE', () => {
  it.each([
    ['a quoted display name loses its escapes', '"John \\"The Duke\\" Wayne" <sip:4721@example.net>', { party: '4721', name: 'John "The Duke" Wayne' }],
    ['user parameters are not the number', '<sip:+4930123457;cpc=ordinary@example.net;user=phone>', { party: '+4930123457', name: null }],
    ['a host without a user part delivers no number', '"" <sip:127.0.0.1>', { party: '', name: null }],
    ['a percent-encoded user is decoded', '"Anna Schmidt" <sip:%2B4930123459@example.net>', { party: '+4930123459', name: 'Anna Schmidt' }],
    ['anonymous stays anonymous', '"Anonymous" <sip:anonymous@anonymous.invalid>', { party: 'anonymous', name: 'Anonymous' }],
  ])('%s', (_name, value, expected) => {
    expect(remoteIdentity(invite([from(value)]))).toEqual({ ...expected, source: 'From' });
  });

  it('prefers P-Asserted-Identity, tel: URIs included', () => {
    const request = invite([
      from('"Reception" <sip:200@pbx.example>'),
      'P-Asserted-Identity: "Anna Schmidt" <sip:+4930123459@pbx.example;user=phone>',
      'P-Asserted-Identity: <tel:+4930123459>',
    ]);
    expect(remoteIdentity(request)).toEqual({ party: '+4930123459', name: 'Anna Schmidt', source: 'P-Asserted-Identity' });
    expect(remoteIdentity(invite([from('<sip:200@pbx.example>'), 'P-Asserted-Identity: <tel:+1-201-555-0123;phone-context=+1>']))).toEqual({
      party: '+12015550123',
      name: null,
      source: 'P-Asserted-Identity',
    });
  });

  it('takes Remote-Party-ID of the calling party when there is no PAI', () => {
    const request = invite([from('<sip:200@pbx.example>'), 'Remote-Party-ID: "Bob" <sip:4711@pbx.example>;party=calling;screen=yes;privacy=off']);
    expect(remoteIdentity(request)).toEqual({ party: '4711', name: 'Bob', source: 'Remote-Party-ID' });
    const called = invite([from('<sip:200@pbx.example>'), 'Remote-Party-ID: <sip:999@pbx.example>;party=called']);
    expect(remoteIdentity(called).source).toBe('From');
    const nameHidden = invite([from('<sip:200@pbx.example>'), 'Remote-Party-ID: "Bob" <sip:4711@pbx.example>;party=calling;privacy=name']);
    expect(remoteIdentity(nameHidden)).toEqual({ party: '4711', name: null, source: 'Remote-Party-ID' });
  });

  it('keeps an asserted identity out when the caller asked for privacy', () => {
    const request = invite([from('"Anonymous" <sip:anonymous@anonymous.invalid>'), 'P-Asserted-Identity: <sip:+4930123459@pbx.example>', 'Privacy: id']);
    expect(remoteIdentity(request)).toEqual({ party: 'anonymous', name: 'Anonymous', source: 'From' });
  });
});

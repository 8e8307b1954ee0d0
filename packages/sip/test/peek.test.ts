import { describe, expect, it } from 'vitest';
import { peekSipMessage } from '../src/index.js';
import { targetUri, userPart } from '../src/line/target-uri.js';
import { causeOfFailure } from '../src/line/end-cause.js';
import { parseVia } from '../src/message/via.js';

describe('peekSipMessage', () => {
  it('reads the routing facts of a request, compact headers included', () => {
    const text =
      'INVITE sip:303@h SIP/2.0\r\nv: SIP/2.0/UDP [::1]:5070;branch=z9hG4bKx;rport=5071;received=::2\r\nf: <sip:a@h>;tag=1\r\nt: <sip:303@h>\r\ni: abc\r\nCSeq: 4 INVITE\r\nRoute: <sip:10.0.0.1;lr>\r\nl: 0\r\n\r\n';
    expect(peekSipMessage(text)).toMatchObject({
      kind: 'request',
      method: 'INVITE',
      via: { transport: 'UDP', host: '::1', port: 5070, branch: 'z9hG4bKx', rport: 5071, received: '::2' },
      cseqMethod: 'INVITE',
      callId: 'abc',
      hasToTag: false,
      firstRoute: 'sip:10.0.0.1;lr',
    });
  });

  const head = (lines: string[]) => `BYE sip:303@h SIP/2.0\r\n${lines.join('\r\n')}\r\n\r\n`;
  const minimal = ['Via: SIP/2.0/UDP h;branch=z9hG4bKa', 'From: <sip:a@h>;tag=1', 'To: <sip:303@h>;tag=2', 'Call-ID: c', 'CSeq: 2 BYE'];

  it('joins folded lines (RFC 3261 §7.3.1) to the header they continue, also after a header it does not read', () => {
    const peeked = peekSipMessage(
      head([
        'Via: SIP/2.0/UDP h;branch=z9hG4bKa,',
        '  SIP/2.0/UDP g;branch=z9hG4bKb',
        'v: SIP/2.0/UDP k;branch=z9hG4bKc',
        'Subject: one',
        '\t: not a header, the Subject folded',
        'From: <sip:a@h>;tag=1',
        'To: <sip:303@h>',
        '\t;tag=2',
        'Call-ID: c',
        'CSeq: 2 BYE',
      ]),
    );
    expect(peeked.echo.via).toEqual(['SIP/2.0/UDP h;branch=z9hG4bKa, SIP/2.0/UDP g;branch=z9hG4bKb', 'SIP/2.0/UDP k;branch=z9hG4bKc']);
    expect(peeked.echo.to).toBe('<sip:303@h> ;tag=2');
    expect(peeked.hasToTag).toBe(true);
    expect(peeked.hasContentType).toBe(false);
  });

  it('names a header line without a colon or with a name that is not a token, wherever it is', () => {
    expect(() => peekSipMessage(head([...minimal, 'X-Broken']))).toThrow('bad header line "X-Broken"');
    expect(() => peekSipMessage(head([': empty name', ...minimal]))).toThrow('bad header line ": empty name"');
    expect(() => peekSipMessage(head([' folded first: x', ...minimal]))).toThrow('bad header name "folded first"');
    expect(() => peekSipMessage(head([...minimal, 'X Y: z']))).toThrow('bad header name "x y"');
  });

  it('reads the start line alone when the message has no header lines', () => {
    expect(() => peekSipMessage('BYE sip:303@h SIP/2.0\r\n\r\n')).toThrow('missing or bad Via');
  });
});

describe('targets and causes', () => {
  it.each([
    ['303', { aor: 'sip:1@example.org' }, 'sip:303@example.org'],
    ['303', { aor: 'sip:1@example.org', registrar: '127.0.0.1:5070' }, 'sip:303@127.0.0.1:5070'],
    ['bob@10.0.0.1', { aor: 'sip:1@h' }, 'sip:bob@10.0.0.1'],
    ['sip:bob@h;transport=tcp', { aor: 'sip:1@h' }, 'sip:bob@h;transport=tcp'],
    ['tel:+49301234', { aor: 'sip:1@example.org' }, 'sip:+49301234@example.org'],
    ['tel:+49-30-1234;phone-context=+49', { aor: 'sip:1@h', registrar: '127.0.0.1:5070' }, 'sip:+49301234@127.0.0.1:5070'],
  ])('dials %s as %s', (target, settings, uri) => {
    expect(targetUri(target, settings)).toBe(uri);
  });

  it('takes the user part of a URI', () => {
    expect(userPart('sip:4711@h:5060;x=y')).toBe('4711');
  });

  it.each([
    [486, 'busy'],
    [600, 'busy'],
    [603, 'rejected'],
    [403, 'rejected'],
    [408, 'no_answer'],
    [480, 'no_answer'],
    [404, 'failed'],
    [503, 'failed'],
  ] as const)('maps %i to %s', (status, cause) => {
    expect(causeOfFailure(status)).toBe(cause);
  });
});

describe('parseVia (the top Via value, RFC 3261 §20.42)', () => {
  it('reads sent-by and the branch, received and rport parameters, names without case, the last of a repeated one', () => {
    expect(parseVia('SIP / 2.0 / udp [::1]:5070 ; BRANCH = z9hG4bKa ;rport=5071; Received=::2;branch=z9hG4bKb, SIP/2.0/UDP h;branch=z9hG4bKc')).toEqual({
      transport: 'UDP',
      host: '::1',
      port: 5070,
      branch: 'z9hG4bKb',
      received: '::2',
      rport: 5071,
    });
  });

  it('leaves out empty, valueless and non-positive parameters and refuses what is not a Via', () => {
    expect(parseVia('SIP/2.0/TCP h;branch=;rport;received;ttl=1')).toEqual({
      transport: 'TCP',
      host: 'h',
      port: undefined,
      branch: undefined,
      received: undefined,
      rport: undefined,
    });
    expect(parseVia('SIP/2.0/UDP h;rport=0')?.rport).toBeUndefined();
    expect(parseVia('SIP/2.0/UDP h;rport=x')?.rport).toBeUndefined();
    expect(parseVia('SIP/2.0 h;branch=z9hG4bKa')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { peekSipMessage } from '../src/index.js';
import { targetUri, userPart } from '../src/line/target-uri.js';
import { causeOfFailure } from '../src/line/end-cause.js';

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

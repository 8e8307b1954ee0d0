import fc from 'fast-check';

/** One generated message and what it was meant to be. */
export interface FuzzInput {
  kind: 'INVITE' | 're-INVITE' | 'BYE' | 'CANCEL';
  /** The uuid in its Call-ID and Via branch: a response carries it in one of them even when the other is mutated. */
  id: string;
  callId: string;
  /** What was done to it, for the failure printout: header mutation, Content-Length, SDP or not. */
  description: string;
  text: string;
}

const CRLF = '\r\n';

const port = fc.oneof(
  fc.constantFrom('0', '1', '4000', '65535', '65536', '99999', '-1', '1e5', '99999999999999999999', ''),
  fc.integer({ min: 0, max: 200_000 }).map(String),
  fc.string({ maxLength: 6 }),
);
const address = fc.oneof(
  fc.constant('127.0.0.1'),
  fc.constantFrom('999.1.1.1', '::1', '0.0.0.0', '239.0.0.1', '255.255.255.255', 'localhost', ''),
  fc.ipV4(),
  fc.ipV6(),
  fc.string({ maxLength: 20 }),
);
const payloadTypes = fc
  .array(fc.oneof(fc.constantFrom('0', '8', '101'), fc.integer({ min: 0, max: 300 }).map(String), fc.string({ maxLength: 4 })), { maxLength: 5 })
  .map((list) => list.join(' '));
/** Bytes as latin1 text, so invalid UTF-8 reaches the wire unchanged. */
const junk = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('latin1'));

const sdp = fc
  .record({
    port,
    address,
    payloadTypes,
    family: fc.constantFrom('IP4', 'IP6', 'IPX'),
    drop: fc.option(fc.nat(7)),
    junk: fc.option(fc.tuple(fc.nat(7), junk)),
    rtpmap: fc.option(
      fc.tuple(fc.integer({ min: 0, max: 999 }), fc.constantFrom('PCMU', 'PCMA', 'telephone-event', ''), fc.constantFrom('8000', '0', 'x', '')),
    ),
  })
  .map((s) => {
    const lines = [
      'v=0',
      `o=fuzz 1 1 IN ${s.family} ${s.address}`,
      's=-',
      `c=IN ${s.family} ${s.address}`,
      't=0 0',
      `m=audio ${s.port} RTP/AVP ${s.payloadTypes}`,
      'a=sendrecv',
    ];
    if (s.rtpmap) lines.push(`a=rtpmap:${s.rtpmap[0]} ${s.rtpmap[1]}/${s.rtpmap[2]}`);
    if (s.drop !== null) lines.splice(s.drop % lines.length, 1);
    if (s.junk) lines.splice(s.junk[0] % (lines.length + 1), 0, s.junk[1]);
    return lines.join(CRLF) + CRLF;
  });

type HeaderMutation = { type: 'drop' | 'huge' | 'junk' | 'duplicate'; index: number; junk: string };
const headerMutation = fc.option(
  fc.record({ type: fc.constantFrom('drop', 'huge', 'junk', 'duplicate'), index: fc.nat(8), junk }) as fc.Arbitrary<HeaderMutation>,
  { freq: 2 },
);
const contentLength = fc.oneof(
  { weight: 4, arbitrary: fc.constant('exact' as const) },
  { weight: 1, arbitrary: fc.constantFrom('+10', '-10', 'abc', '-1', '99999999999', 'missing') },
);

/**
 * INVITE / re-INVITE / BYE / CANCEL towards `303@127.0.0.1:<target>` over `transport`, with mutated
 * headers (dropped, huge, junk bytes, duplicated), mutated SDP (ports, addresses, payload types out of
 * range, missing or junk lines) and broken Content-Length. Every input has its own Call-ID.
 */
export function sipInput(target: number, transport: 'UDP' | 'TCP'): fc.Arbitrary<FuzzInput> {
  return fc
    .record({
      kind: fc.constantFrom('INVITE', 'INVITE', 'INVITE', 're-INVITE', 'BYE', 'CANCEL') as fc.Arbitrary<FuzzInput['kind']>,
      id: fc.uuid(),
      sdp: fc.option(sdp, { freq: 8 }),
      mutation: headerMutation,
      contentLength,
    })
    .map(({ kind, id, sdp: body0, mutation, contentLength: length }) => {
      const method = kind === 're-INVITE' ? 'INVITE' : kind;
      const body = method === 'INVITE' ? (body0 ?? '') : '';
      const callId = `fuzz-${id}`;
      const headers = [
        `Via: SIP/2.0/${transport} 127.0.0.1:9;branch=z9hG4bK-${id};rport`,
        'From: "Fuzz" <sip:fuzz@127.0.0.1>;tag=f1',
        `To: <sip:303@127.0.0.1:${target}>${kind === 'INVITE' ? '' : ';tag=nosuchdialog'}`,
        `Call-ID: ${callId}`,
        `CSeq: ${kind === 're-INVITE' ? 2 : 1} ${method}`,
        'Max-Forwards: 70',
        'Contact: <sip:fuzz@127.0.0.1:9>',
        ...(body ? ['Content-Type: application/sdp'] : []),
      ];
      const mutated = mutation ? `${mutation.type} ${/^[^:]*/.exec(headers[mutation.index % headers.length]!)![0]} header` : 'headers intact';
      if (mutation) {
        const index = mutation.index % headers.length;
        if (mutation.type === 'drop') headers.splice(index, 1);
        else if (mutation.type === 'huge') headers[index] += 'x'.repeat(20_000);
        else if (mutation.type === 'junk') headers[index] += mutation.junk;
        else headers.splice(index, 0, headers[index]!);
      }
      const exact = Buffer.byteLength(body, 'latin1');
      if (length !== 'missing')
        headers.push(`Content-Length: ${length === 'exact' ? exact : /^[+-]\d+$/.test(length) ? Math.max(0, exact + Number(length)) : length}`);
      const description = `${kind}, ${mutated}, Content-Length ${length}, ${body ? `SDP of ${body.length} bytes` : 'no body'}`;
      return { kind, id, callId, description, text: [`${method} sip:303@127.0.0.1:${target} SIP/2.0`, ...headers, '', body].join(CRLF) };
    });
}

import { describe, expect, it } from 'vitest';
import { Core } from 'sip.js';

const silent = { error() {}, warn() {}, log() {}, debug() {} } as unknown as Core.Logger;

const invite = Core.Parser.parseMessage(
  'INVITE sip:303@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bKa\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:303@h>\r\n' +
    'Call-ID: c1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
  silent,
) as Core.IncomingRequestMessage;

function answer(content: string): string {
  return Core.constructOutgoingResponse(invite, { statusCode: 200, body: { contentDisposition: 'session', contentType: 'application/sdp', content } }).message;
}

// sip.js counts a body's octets with its own utf8Length (an encodeURIComponent copy of the body); a
// patch that counted them instead was measured and dropped (README, "Signalling CPU"), these cases stay
// for any later change to how the responses are built.
describe("sip.js's Content-Length of our responses' bodies", () => {
  it.each([
    ['ASCII', 'v=0\r\ns=-\r\n'],
    ['two-byte', 's=Café\r\n'],
    ['three-byte', 's=☎ 20 €\r\n'],
    ['four-byte (a surrogate pair)', 's=😀 and 𝄞\r\n'],
    ['empty', ''],
  ])('is the body length in UTF-8 octets: %s', (_kind, content) => {
    expect(answer(content)).toContain(`\r\nContent-Length: ${Buffer.byteLength(content)}\r\n\r\n`);
  });

  it('still refuses a lone surrogate as before (URIError)', () => {
    expect(() => answer('s=\ud800x')).toThrow(URIError);
    expect(() => answer('s=x\udc00')).toThrow(URIError);
  });
});

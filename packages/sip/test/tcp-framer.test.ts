import { describe, expect, it } from 'vitest';
import { SipError, TcpFramer } from '../src/index.js';

const message = (body: string) => `MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nl: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('TcpFramer', () => {
  it('splits messages by Content-Length (long and compact form) and skips CRLF keep-alives', () => {
    const framer = new TcpFramer();
    const stream = Buffer.from('\r\n\r\n' + message('hello') + message('') + message('wörld'));
    const out: string[] = [];
    for (let offset = 0; offset < stream.length; offset += 7) out.push(...framer.push(stream.subarray(offset, offset + 7)));
    expect(out).toEqual([message('hello'), message(''), message('wörld')]);
    expect(framer.pending).toBe(0);
  });

  it('waits for the rest of a body that is not there yet (lying Content-Length)', () => {
    const framer = new TcpFramer();
    expect(framer.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 100\r\n\r\nshort'))).toEqual([]);
    expect(framer.pending).toBeGreaterThan(0);
  });

  it('refuses a header section or message over 64 KiB', () => {
    expect(() => new TcpFramer().push(Buffer.alloc(70_000, 65))).toThrow(SipError);
    expect(() => new TcpFramer().push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 900000\r\n\r\n'))).toThrow(/over 64 KiB/);
  });
});

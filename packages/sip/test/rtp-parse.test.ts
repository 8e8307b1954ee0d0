import fc from 'fast-check';
import { RtpPacket } from 'werift-rtp';
import { describe, expect, it } from 'vitest';
import { parseRtp, rtpHeaderBytes } from '../src/rtp/rtp-parse.js';

/** A one-byte-header extension block (RFC 8285 §4.2): elements id 1–14 of 1–16 bytes, zero-padded to whole words. */
const oneByteExtension = fc
  .array(fc.record({ id: fc.integer({ min: 1, max: 14 }), data: fc.uint8Array({ minLength: 1, maxLength: 16 }) }), { maxLength: 4 })
  .map((elements) => {
    const bytes = elements.flatMap(({ id, data }) => [(id << 4) | (data.length - 1), ...data]);
    while (bytes.length % 4 !== 0) bytes.push(0);
    return { profile: 0xbede, body: Buffer.from(bytes) };
  });
/** An extension of another profile (RFC 3550 §5.3.1): opaque words. */
const opaqueExtension = fc
  .record({ profile: fc.constantFrom(0x0001, 0x1234, 0xabac), words: fc.integer({ min: 0, max: 6 }) })
  .chain(({ profile, words }) => fc.uint8Array({ minLength: words * 4, maxLength: words * 4 }).map((body) => ({ profile, body: Buffer.from(body) })));

/** Well-formed RTP packets: any CSRC count, with or without an extension and padding. */
const packets = fc
  .record({
    marker: fc.boolean(),
    payloadType: fc.integer({ min: 0, max: 127 }),
    sequence: fc.integer({ min: 0, max: 0xffff }),
    timestamp: fc.integer({ min: 0, max: 0xffffffff }),
    ssrc: fc.integer({ min: 0, max: 0xffffffff }),
    csrcs: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
    extension: fc.option(fc.oneof(oneByteExtension, opaqueExtension), { nil: undefined }),
    payload: fc.uint8Array({ maxLength: 200 }),
    padding: fc.integer({ min: 0, max: 12 }),
  })
  .map((p) => {
    const head = Buffer.alloc(12 + 4 * p.csrcs.length);
    head[0] = 0x80 | (p.padding > 0 ? 0x20 : 0) | (p.extension ? 0x10 : 0) | p.csrcs.length;
    head[1] = (p.marker ? 0x80 : 0) | p.payloadType;
    head.writeUInt16BE(p.sequence, 2);
    head.writeUInt32BE(p.timestamp, 4);
    head.writeUInt32BE(p.ssrc, 8);
    p.csrcs.forEach((csrc, i) => head.writeUInt32BE(csrc, 12 + 4 * i));
    const extension = p.extension
      ? Buffer.concat([Buffer.from([p.extension.profile >> 8, p.extension.profile & 0xff, 0, p.extension.body.length / 4]), p.extension.body])
      : Buffer.alloc(0);
    const padding = Buffer.alloc(p.padding);
    if (p.padding > 0) padding[p.padding - 1] = p.padding;
    return { bytes: Buffer.concat([head, extension, Buffer.from(p.payload), padding]), fields: p };
  });

describe('parseRtp (RFC 3550 §5.1)', () => {
  it('reads every field and the payload of well-formed packets, as werift-rtp does', () => {
    fc.assert(
      fc.property(packets, ({ bytes, fields }) => {
        const ours = parseRtp(bytes);
        expect(ours).toEqual({
          payloadType: fields.payloadType,
          sequence: fields.sequence,
          timestamp: fields.timestamp,
          ssrc: fields.ssrc,
          marker: fields.marker,
          payload: Buffer.from(fields.payload),
        });
        const werift = RtpPacket.deSerialize(bytes);
        expect(ours.payload.equals(werift.payload)).toBe(true);
        expect([ours.payloadType, ours.sequence, ours.timestamp, ours.ssrc, ours.marker]).toEqual([
          werift.header.payloadType,
          werift.header.sequenceNumber,
          werift.header.timestamp,
          werift.header.ssrc,
          werift.header.marker,
        ]);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the payload as a view of the packet, not a copy', () => {
    const bytes = Buffer.from([0x80, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xaa, 0xbb]);
    const { payload } = parseRtp(bytes);
    bytes[12] = 0x11;
    expect(payload[0]).toBe(0x11);
  });

  it.each([
    ['shorter than the fixed header', Buffer.alloc(11, 0x80), /11 bytes is shorter than its 12-byte header/],
    ['version 1', Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), /RTP version 1 is not 2/],
    ['a CSRC list past the end', Buffer.from([0x82, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), /header runs past the packet/],
    ['an extension head past the end', Buffer.from([0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xde]), /extension runs past the packet/],
    [
      'an extension longer than the packet',
      Buffer.from([0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xde, 0, 2, 0x10, 0, 0, 0]),
      /header runs past the packet/,
    ],
    ['a padding count of 0', Buffer.from([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0]), /padding count 0 does not fit/],
    ['a padding count beyond the payload', Buffer.from([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 5]), /padding count 5 does not fit/],
  ])('refuses a packet with %s, naming the fault', (_, bytes, message) => {
    expect(() => parseRtp(bytes)).toThrow(message);
  });

  it('measures the header the SRTP transform authenticates but does not encrypt (RFC 3711 §3.1)', () => {
    fc.assert(
      fc.property(packets, ({ bytes, fields }) => {
        const extensionBytes = fields.extension ? 4 + fields.extension.body.length : 0;
        expect(rtpHeaderBytes(bytes)).toBe(12 + 4 * fields.csrcs.length + extensionBytes);
      }),
    );
  });
});

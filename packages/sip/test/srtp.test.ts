import fc from 'fast-check';
import { cryptoRandom } from '@callhook/node';
import { describe, expect, it } from 'vitest';
import { formatCryptoAttribute, newCryptoAttribute, parseCryptoAttribute } from '../src/srtp/crypto-attribute.js';
import { ReplayWindow } from '../src/srtp/replay-window.js';
import { SrtpTransform } from '../src/srtp/srtp-transform.js';
import { srtpCipher, type SrtpCipher } from '../src/srtp/srtp-cipher.js';
import { LocalKeys, offeredKey } from '../src/sdp/negotiate-crypto.js';
import { parseRemoteAudio } from '../src/sdp/sdp-parse.js';
import { offerSdp } from './support/raw-uac.js';

/** An RTP packet (RFC 3550 §5.1): version 2, PCMU, the given sequence number, a 160-byte payload of `fill`. */
function rtp(sequence: number, fill = 0x55, ssrc = 0x11223344): Buffer {
  const packet = Buffer.alloc(12 + 160, fill);
  packet[0] = 0x80;
  packet[1] = 0;
  packet.writeUInt16BE(sequence, 2);
  packet.writeUInt32BE(sequence * 160, 4);
  packet.writeUInt32BE(ssrc, 8);
  return packet;
}

/** An RTCP receiver report without blocks (RFC 3550 §6.4.2). */
function rtcp(ssrc = 0x11223344): Buffer {
  const packet = Buffer.alloc(8);
  packet[0] = 0x80;
  packet[1] = 201;
  packet.writeUInt16BE(1, 2);
  packet.writeUInt32BE(ssrc, 4);
  return packet;
}

function pair(engine: SrtpCipher) {
  const alice = newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80', cryptoRandom);
  const bob = newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80', cryptoRandom);
  const sender = new SrtpTransform(alice, bob, engine);
  expect(sender.cipher, 'the cipher asked for, not a fallback').toBe(engine);
  return { sender, receiver: new SrtpTransform(bob, alice, engine) };
}

describe('a=crypto (RFC 4568 §9.1)', () => {
  it('reads and writes an inline AES_CM_128_HMAC_SHA1_80 key, lifetime and MKI', () => {
    const line = 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4';
    const attribute = parseCryptoAttribute(line);
    expect(attribute).toMatchObject({ tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80', lifetime: '2^20', mki: '1:4' });
    expect(attribute.masterKey).toHaveLength(16);
    expect(attribute.masterSalt).toHaveLength(14);
    expect(`a=${formatCryptoAttribute(attribute)}`).toBe(line);
    const fresh = newCryptoAttribute(7, 'AES_CM_128_HMAC_SHA1_32', cryptoRandom);
    expect(parseCryptoAttribute(formatCryptoAttribute(fresh))).toEqual(fresh);
  });

  it.each([
    ['crypto:1 F8_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR', /suite F8_128_HMAC_SHA1_80 is not supported/],
    ['crypto:1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ=', /key\|\|salt is 5 bytes, not 30/],
    ['crypto:1 AES_CM_128_HMAC_SHA1_80 uri:https://keys', /key method must be inline:/],
    ['crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR KDR=1', /session parameters are not supported/],
    ['crypto:x AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR', /not an a=crypto line/],
  ])('refuses %s naming the problem', (line, message) => {
    expect(() => parseCryptoAttribute(line)).toThrow(message);
  });
});

describe.each(['openssl', 'javascript'] as const)('SRTP/SRTCP protect and unprotect (RFC 3711) with the %s cipher', (engine) => {
  it('round-trips RTP and RTCP between two legs, and the wire carries neither the payload nor the report in clear', () => {
    const { sender, receiver } = pair(engine);
    const plain = rtp(1000);
    const wire = sender.protectRtp(plain);
    expect(wire).toHaveLength(plain.length + 10);
    expect(wire.subarray(0, 12)).toEqual(plain.subarray(0, 12));
    expect(wire.subarray(12, 172).equals(plain.subarray(12))).toBe(false);
    expect(receiver.unprotectRtp(wire)).toEqual(plain);
    const report = rtcp();
    const wireReport = sender.protectRtcp(report);
    expect(wireReport.length).toBe(report.length + 4 + 10);
    expect(receiver.unprotectRtcp(wireReport)).toEqual(report);
    expect(receiver.counters).toMatchObject({ unprotectedRtp: 1, unprotectedRtcp: 1, droppedRtp: 0, droppedRtcp: 0 });
  });

  it('decrypts a received packet in place: the RTP packet is a view of it without the tag; a forged one is left as it came', () => {
    const { sender, receiver } = pair(engine);
    const wire = sender.protectRtp(rtp(7));
    const forged = Buffer.from(wire);
    forged[forged.length - 1]! ^= 0x01;
    const copy = Buffer.from(forged);
    expect(receiver.unprotectRtp(forged)).toBeUndefined();
    expect(forged).toEqual(copy);
    const plain = receiver.unprotectRtp(wire)!;
    expect(plain).toEqual(rtp(7));
    expect([plain.buffer, plain.byteOffset, plain.length]).toEqual([wire.buffer, wire.byteOffset, wire.length - 10]);
    expect(wire.subarray(0, plain.length)).toEqual(rtp(7));
  });

  it('drops and counts a packet with one flipped byte, a replayed packet, one under another key, and garbage', () => {
    const { sender, receiver } = pair(engine);
    const first = sender.protectRtp(rtp(1));
    const tampered = Buffer.from(sender.protectRtp(rtp(2)));
    tampered[20]! ^= 0x01;
    expect(receiver.unprotectRtp(tampered)).toBeUndefined();
    expect(receiver.unprotectRtp(first)).toEqual(rtp(1));
    expect(receiver.unprotectRtp(first), 'a replay').toBeUndefined();
    const stranger = pair(engine).sender.protectRtp(rtp(3));
    expect(receiver.unprotectRtp(stranger)).toBeUndefined();
    expect(receiver.unprotectRtp(Buffer.from('not rtp at all'))).toBeUndefined();
    const tamperedReport = Buffer.from(sender.protectRtcp(rtcp()));
    tamperedReport[9]! ^= 0x80;
    expect(receiver.unprotectRtcp(tamperedReport)).toBeUndefined();
    expect(receiver.counters).toMatchObject({ unprotectedRtp: 1, droppedRtp: 4, droppedRtcp: 1 });
    // The stream goes on after the drops.
    expect(receiver.unprotectRtp(sender.protectRtp(rtp(4)))).toEqual(rtp(4));
  });

  it('authenticates but does not encrypt a header with CSRCs and an extension (RFC 3711 §3.1)', () => {
    const { sender, receiver } = pair(engine);
    const header = Buffer.from('9100000a0000064011223344' + 'cafebabe' + 'bede0001' + '10ff0000', 'hex'); // CC=1, X=1, one extension word
    const plain = Buffer.concat([header, Buffer.alloc(160, 0x33)]);
    const wire = sender.protectRtp(plain);
    expect(wire.subarray(0, header.length)).toEqual(header);
    expect(wire.subarray(header.length, header.length + 160).equals(plain.subarray(header.length))).toBe(false);
    const forged = Buffer.from(wire);
    forged[14]! ^= 0x01; // a CSRC byte: authenticated
    expect(receiver.unprotectRtp(forged)).toBeUndefined();
    expect(receiver.unprotectRtp(wire)).toEqual(plain);
    expect(() => sender.protectRtp(header.subarray(0, 14))).toThrow(/runs past the packet/);
  });

  it('after the peer changes its key, our stream goes on in the same context: the rollover counter survives (RFC 4568 §7.1.4)', () => {
    const ours = newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80', cryptoRandom);
    const theirs = newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80', cryptoRandom);
    const theirNew = newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80', cryptoRandom);
    const sender = new SrtpTransform(ours, theirs, engine);
    const peer = new SrtpTransform(theirs, ours, engine);
    for (const sequence of [65_534, 65_535]) expect(peer.unprotectRtp(sender.protectRtp(rtp(sequence)))).toEqual(rtp(sequence));
    const rekeyed = sender.withRemoteKey(ours, theirNew);
    expect(rekeyed.sendsWith(ours) && rekeyed.made(ours, theirNew)).toBe(true);
    expect(peer.unprotectRtp(rekeyed.protectRtp(rtp(0))), 'sequence 0 after the wrap: rollover counter 1').toEqual(rtp(0));
    expect(peer.unprotectRtp(new SrtpTransform(ours, theirNew, engine).protectRtp(rtp(1))), 'a fresh context restarts at 0').toBeUndefined();
    expect(rekeyed.unprotectRtp(new SrtpTransform(theirNew, ours, engine).protectRtp(rtp(5)))).toEqual(rtp(5));
  });

  it('keeps decrypting across the 16-bit sequence wrap (rollover counter, RFC 3711 §3.3.1)', () => {
    const { sender, receiver } = pair(engine);
    for (const sequence of [65_534, 65_535, 0, 1])
      expect(receiver.unprotectRtp(sender.protectRtp(rtp(sequence, sequence & 0xff)))).toEqual(rtp(sequence, sequence & 0xff));
  });

  it('AES_CM_128_HMAC_SHA1_32: the same packet with the 80-bit tag cut to 32 bits, SRTCP keeps 80 (RFC 4568 §6.2.2)', () => {
    const alice = newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_32', cryptoRandom);
    const bob = newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_32', cryptoRandom);
    const sender = new SrtpTransform(alice, bob, engine);
    const receiver = new SrtpTransform(bob, alice, engine);
    const sender80 = new SrtpTransform({ ...alice, suite: 'AES_CM_128_HMAC_SHA1_80' }, { ...bob, suite: 'AES_CM_128_HMAC_SHA1_80' }, engine);
    const wire = sender.protectRtp(rtp(77));
    expect(wire).toHaveLength(rtp(77).length + 4);
    expect(wire).toEqual(sender80.protectRtp(rtp(77)).subarray(0, wire.length));
    expect(receiver.unprotectRtp(wire)).toEqual(rtp(77));
    const tampered = Buffer.from(sender.protectRtp(rtp(78)));
    tampered[tampered.length - 1]! ^= 0x01;
    expect(receiver.unprotectRtp(tampered)).toBeUndefined();
    const report = sender.protectRtcp(rtcp());
    expect(report.length).toBe(rtcp().length + 4 + 10);
    expect(receiver.unprotectRtcp(report)).toEqual(rtcp());
    expect(receiver.counters).toMatchObject({ unprotectedRtp: 1, droppedRtp: 1, unprotectedRtcp: 1 });
  });

  it('refuses suites that differ between the legs and MKIs, and RTP that is not RTP', () => {
    const key80 = newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80', cryptoRandom);
    expect(() => new SrtpTransform(newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_32', cryptoRandom), key80, engine)).toThrow(/crypto suites differ/);
    expect(() => new SrtpTransform(key80, { ...key80, mki: '1:4' }, engine)).toThrow(/MKI/);
    expect(() => pair(engine).sender.protectRtp(Buffer.from([1, 2, 3]))).toThrow(/not an RTP packet/);
  });
});

describe('the SRTP cipher a line uses', () => {
  it('is the OpenSSL module where it is built (pnpm build builds it where a C compiler is present), with the same packets as JavaScript', () => {
    expect(srtpCipher()).toEqual({ cipher: 'openssl' });
    const ours = newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80', cryptoRandom);
    const theirs = newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80', cryptoRandom);
    const native = new SrtpTransform(ours, theirs);
    const javascript = new SrtpTransform(ours, theirs, 'javascript');
    expect(native.cipher).toBe('openssl');
    for (const sequence of [0, 1, 65_535, 0, 7]) expect(native.protectRtp(rtp(sequence))).toEqual(javascript.protectRtp(rtp(sequence)));
    const peer = new SrtpTransform(theirs, ours, 'javascript');
    const nativePeer = new SrtpTransform(theirs, ours);
    for (const sequence of [10, 12, 11, 13]) {
      expect(native.unprotectRtp(peer.protectRtp(rtp(sequence, 3)))).toEqual(rtp(sequence, 3));
      expect(javascript.unprotectRtp(nativePeer.protectRtp(rtp(sequence, 4)))).toEqual(rtp(sequence, 4));
    }
  });
});

describe('line.media.srtpSuites: the suites offered and accepted (RFC 4568 §7.1)', () => {
  const key80 = formatCryptoAttribute(newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80', cryptoRandom));
  const key32 = formatCryptoAttribute(newCryptoAttribute(2, 'AES_CM_128_HMAC_SHA1_32', cryptoRandom));
  const offer = (...lines: string[]) =>
    parseRemoteAudio(
      offerSdp(
        '127.0.0.1',
        4000,
        '0',
        lines.map((line) => `a=${line}`),
      ).replace('RTP/AVP', 'RTP/SAVP'),
    );

  it('offers one a=crypto line per suite, in the order given, tags from 1', () => {
    const keys = new LocalKeys(cryptoRandom);
    expect(keys.offer('required', undefined, undefined).crypto.map(({ tag, suite }) => [tag, suite])).toEqual([
      [1, 'AES_CM_128_HMAC_SHA1_80'],
      [2, 'AES_CM_128_HMAC_SHA1_32'],
    ]);
    expect(keys.offer('required', undefined, undefined, ['AES_CM_128_HMAC_SHA1_32']).crypto.map(({ tag, suite }) => [tag, suite])).toEqual([
      [1, 'AES_CM_128_HMAC_SHA1_32'],
    ]);
  });

  it('accepts the first offered line of a listed suite, and refuses an offer with none naming the setting', () => {
    expect(offeredKey(offer(key80, key32), 'required')?.suite).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(offeredKey(offer(key80, key32), 'required', ['AES_CM_128_HMAC_SHA1_32'])).toMatchObject({ tag: 2, suite: 'AES_CM_128_HMAC_SHA1_32' });
    expect(() => offeredKey(offer(key80), 'required', ['AES_CM_128_HMAC_SHA1_32'])).toThrow(
      /no usable SRTP key: no a=crypto line is usable: AES_CM_128_HMAC_SHA1_80 is not in line.media.srtpSuites \(AES_CM_128_HMAC_SHA1_32\)/,
    );
  });
});

describe('the replay window', () => {
  it('accepts each sequence number once within 64 behind the highest, and refuses older ones', () => {
    const window = new ReplayWindow();
    for (const sequence of [10, 12, 11]) {
      expect(window.fresh(1, sequence)).toBe(true);
      window.accept(1, sequence);
    }
    expect(window.fresh(1, 11)).toBe(false);
    window.accept(1, 200);
    expect(window.fresh(1, 150)).toBe(true);
    expect(window.fresh(1, 100)).toBe(false);
    expect(window.fresh(2, 100)).toBe(true);
  });

  it('agrees with a plain model of RFC 3711 §3.3.2 on any run of sequence numbers, across the 16-bit wrap', () => {
    // The model: the highest sequence accepted and the set of accepted ones 0–63 behind it.
    const model = () => {
      let highest: number | undefined;
      let seen = new Set<number>();
      return {
        fresh(sequence: number): boolean {
          if (highest === undefined) return true;
          const ahead = (sequence - highest) & 0xffff;
          if (ahead !== 0 && ahead < 0x8000) return true;
          const behind = (highest - sequence) & 0xffff;
          return behind < 64 && !seen.has(behind);
        },
        accept(sequence: number): void {
          const ahead = highest === undefined ? 0 : (sequence - highest) & 0xffff;
          if (highest === undefined || (ahead !== 0 && ahead < 0x8000)) {
            seen = new Set([0, ...[...seen].map((behind) => behind + ahead).filter((behind) => behind < 64)]);
            highest = sequence;
          } else {
            seen.add((highest - sequence) & 0xffff);
          }
        },
      };
    };
    fc.assert(
      fc.property(fc.nat({ max: 0xffff }), fc.array(fc.integer({ min: -80, max: 80 }), { maxLength: 300 }), (start, steps) => {
        const window = new ReplayWindow();
        const reference = model();
        let sequence = start;
        for (const step of steps) {
          sequence = (sequence + step) & 0xffff;
          const fresh = reference.fresh(sequence);
          expect(window.fresh(7, sequence)).toBe(fresh);
          if (fresh) {
            window.accept(7, sequence);
            reference.accept(sequence);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

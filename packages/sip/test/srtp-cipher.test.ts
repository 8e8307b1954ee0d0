import { createCipheriv, createHmac } from 'node:crypto';
import fc from 'fast-check';
import type { IHasher } from 'hash-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProtectionProfileAes128CmHmacSha1_80, SrtcpSession, SrtpSession, type RtpHeader } from 'werift-rtp';
import { AesCmKeystream } from '../src/srtp/aes-cm-hmac-sha1.js';
import { HmacSha1 } from '../src/srtp/hmac-sha1.js';
import { loadWasmSha1, wasmSha1, wasmSha1Failure } from '../src/srtp/sha1-wasm.js';
import type { CryptoAttribute, SrtpSuite } from '../src/srtp/crypto-attribute.js';
import { SrtpTransform } from '../src/srtp/srtp-transform.js';

/**
 * callhook's AES_CM_128_HMAC_SHA1 cipher (src/srtp/aes-cm-hmac-sha1.ts) against RFC 3711's test vectors
 * and, bit for bit, against werift-rtp's own SRTP cipher that it replaces (the unmodified path).
 */
const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('RFC 3711 Appendix B test vectors', () => {
  it('B.2: the AES-CM keystream of session key 2B7E…, salt F0F1…FD, SSRC 0, index 0', () => {
    const keystream = new AesCmKeystream(hex('2B7E151628AED2A6ABF7158809CF4F3C'), hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD'), 1);
    // Blocks 0–2 and 0xFEFF–0xFF01 of the RFC's table: a 0xFF02-block packet of zeros XOR the keystream.
    const zeros = Buffer.alloc(0xff02 * 16);
    const out = Buffer.alloc(zeros.length);
    keystream.xor(0, 0, zeros, 0, zeros.length, out, 0);
    expect(out.subarray(0, 48).toString('hex').toUpperCase()).toBe(
      'E03EAD0935C95E80E166B16DD92B4EB4' + 'D23513162B02D0F72A43A2FE4A5F97AB' + '41E95B3BB0A2E8DD477901E4FCA894C0',
    );
    expect(
      out
        .subarray(0xfeff * 16)
        .toString('hex')
        .toUpperCase(),
    ).toBe('EC8CDF7398607CB0F2D21675EA9EA1E4' + '362B7C3C6773516318A077D7FC5073AE' + '6A2CC3787889374FBEB4C81B17BA6C44');
  });

  it('B.3: the session keys werift-rtp derives (which our cipher is given) from master key E1F9…, salt 0EC6…', () => {
    const master = { key: hex('E1F97A0D3E018BE0D64FA32C06DE4139'), salt: hex('0EC675AD498AFEEBB6960B3AABE6') };
    const session = new SrtpSession({
      keys: { localMasterKey: master.key, localMasterSalt: master.salt, remoteMasterKey: master.key, remoteMasterSalt: master.salt },
      profile: ProtectionProfileAes128CmHmacSha1_80,
    });
    const keys = session.localContext as unknown as { srtpSessionKey: Buffer; srtpSessionSalt: Buffer; srtpSessionAuthTag: Buffer };
    expect(keys.srtpSessionKey.toString('hex').toUpperCase()).toBe('C61E7A93744F39EE10734AFE3FF7A087');
    expect(keys.srtpSessionSalt.toString('hex').toUpperCase()).toBe('30CBBC08863D8C85D49DB34A9AE1');
    expect(keys.srtpSessionAuthTag.toString('hex').toUpperCase()).toBe('CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4');
  });
});

/** AES-CM by Node's AES-128-CTR from the RFC 3711 §4.1.1 IV: (k_s · 2^16) XOR (SSRC · 2^64) XOR (index · 2^16). */
function referenceKeystreamXor(key: Buffer, salt: Buffer, ssrc: number, index: number, data: Buffer): Buffer {
  const iv = Buffer.alloc(16);
  salt.copy(iv, 0);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  iv.writeUInt32BE((iv.readUInt32BE(8) ^ Math.floor(index / 0x10000)) >>> 0, 8);
  iv.writeUInt16BE(iv.readUInt16BE(12) ^ (index & 0xffff), 12);
  return createCipheriv('aes-128-ctr', key, iv).update(data);
}

describe('AES-CM keystream made for several packets at once', () => {
  it('equals AES-128-CTR from each packet’s IV, for any SSRCs, index jumps, lengths and alignments, in place or not', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 30, maxLength: 30 }),
        fc.integer({ min: 1, max: 16 }),
        fc.array(
          fc.record({
            ssrc: fc.constantFrom(1, 0xdeadbeef, 7),
            step: fc.oneof(fc.constant(1), fc.integer({ min: -20, max: 40 })),
            data: fc.uint8Array({ maxLength: 260 }),
            sourceOffset: fc.integer({ min: 0, max: 7 }),
            targetOffset: fc.integer({ min: 0, max: 7 }),
            inPlace: fc.boolean(),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        (bytes, packets, steps) => {
          const key = Buffer.from(bytes.subarray(0, 16));
          const salt = Buffer.from(bytes.subarray(16, 30));
          const keystream = new AesCmKeystream(key, salt, packets);
          const indexes = new Map<number, number>();
          for (const { ssrc, step, data, sourceOffset, targetOffset, inPlace } of steps) {
            const index = Math.max(0, (indexes.get(ssrc) ?? 0x1fff0) + step);
            indexes.set(ssrc, index);
            const source = Buffer.alloc(data.length + sourceOffset + 3);
            source.set(data, sourceOffset);
            const target = inPlace ? source : Buffer.alloc(data.length + targetOffset + 3);
            const at = inPlace ? sourceOffset : targetOffset;
            keystream.xor(ssrc, index, source, sourceOffset, data.length, target, at);
            const expected = referenceKeystreamXor(key, salt, ssrc, index, Buffer.from(data));
            expect(target.subarray(at, at + data.length).toString('hex')).toBe(expected.toString('hex'));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** werift-rtp's SRTP and SRTCP sessions as they come, for the same keys as `SrtpTransform(local, remote)`. */
function reference(local: CryptoAttribute, remote: CryptoAttribute) {
  const config = {
    keys: { localMasterKey: local.masterKey, localMasterSalt: local.masterSalt, remoteMasterKey: remote.masterKey, remoteMasterSalt: remote.masterSalt },
    profile: ProtectionProfileAes128CmHmacSha1_80,
  };
  return { rtp: new SrtpSession(config), rtcp: new SrtcpSession(config) };
}

/** werift's SRTP of an RTP packet: its header's bytes are authenticated as they are (RFC 3711 §3.1). */
function referenceProtect(session: SrtpSession, packet: Buffer, headerBytes: number): Buffer {
  const header = {
    ssrc: packet.readUInt32BE(8),
    sequenceNumber: packet.readUInt16BE(2),
    serializeSize: headerBytes,
    serialize: () => packet.subarray(0, headerBytes),
  } as unknown as RtpHeader;
  return session.encrypt(packet.subarray(headerBytes), header);
}

function attribute(bytes: Uint8Array, suite: SrtpSuite): CryptoAttribute {
  const buffer = Buffer.from(bytes);
  return { tag: 1, suite, masterKey: buffer.subarray(0, 16), masterSalt: buffer.subarray(16, 30) };
}

const keyBytes = fc.uint8Array({ minLength: 30, maxLength: 30 });
const packetSpec = fc.record({
  ssrcChoice: fc.boolean(),
  csrcs: fc.integer({ min: 0, max: 3 }),
  payload: fc.uint8Array({ minLength: 0, maxLength: 300 }),
  marker: fc.boolean(),
});

/** RTP packets of two SSRCs, sequence numbers counting on from `start` per SSRC (wrapping at 2^16). */
function packets(specs: { ssrcChoice: boolean; csrcs: number; payload: Uint8Array; marker: boolean }[], start: number, ssrcs: [number, number]) {
  const next = new Map<number, number>();
  return specs.map((spec) => {
    const ssrc = ssrcs[spec.ssrcChoice ? 1 : 0];
    const sequence = next.get(ssrc) ?? start;
    next.set(ssrc, (sequence + 1) & 0xffff);
    const headerBytes = 12 + 4 * spec.csrcs;
    const packet = Buffer.alloc(headerBytes + spec.payload.length, 0xa5);
    packet[0] = 0x80 | spec.csrcs;
    packet[1] = (spec.marker ? 0x80 : 0) | 0;
    packet.writeUInt16BE(sequence, 2);
    packet.writeUInt32BE(sequence * 160, 4);
    packet.writeUInt32BE(ssrc, 8);
    Buffer.from(spec.payload).copy(packet, headerBytes);
    return { packet, headerBytes };
  });
}

describe.each(
  (['openssl', 'javascript'] as const).flatMap((engine) =>
    (['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const).map((suite) => [suite, engine] as const),
  ),
)('%s with the %s cipher: the same bytes as werift-rtp’s own cipher', (suite, engine) => {
  const tag = suite === 'AES_CM_128_HMAC_SHA1_80' ? 10 : 4;

  it('RTP both ways on random packets of two SSRCs, across the sequence wrap (ROC 0 → 1, RFC 3711 §3.3.1)', () => {
    fc.assert(
      fc.property(
        keyBytes,
        keyBytes,
        fc.integer({ min: 65_500, max: 65_535 }),
        fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff })),
        fc.array(packetSpec, { minLength: 1, maxLength: 90 }),
        (localBytes, remoteBytes, start, ssrcs, specs) => {
          fc.pre(ssrcs[0] !== ssrcs[1]);
          const local = attribute(localBytes, suite);
          const remote = attribute(remoteBytes, suite);
          const ours = new SrtpTransform(local, remote, engine);
          const peer = new SrtpTransform(remote, local, engine);
          const werift = reference(local, remote);
          const weriftPeer = reference(remote, local);
          for (const { packet, headerBytes } of packets(specs, start, ssrcs)) {
            const expected = referenceProtect(werift.rtp, packet, headerBytes);
            const wire = ours.protectRtp(packet);
            // _32 is _80's HMAC-SHA1 cut to its leftmost 32 bits (RFC 3711 §4.2, RFC 4568 §6.2.2).
            expect(wire.toString('hex')).toBe(expected.subarray(0, packet.length + tag).toString('hex'));
            if (tag === 10) expect(weriftPeer.rtp.decrypt(wire).toString('hex')).toBe(packet.toString('hex'));
            expect(peer.unprotectRtp(wire)?.toString('hex')).toBe(packet.toString('hex')); // in place: last
          }
          expect(peer.counters).toMatchObject({ unprotectedRtp: specs.length, droppedRtp: 0 });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('RTCP both ways on random compound packets (SRTCP, RFC 3711 §3.4; 80-bit tag in both suites)', () => {
    fc.assert(
      fc.property(
        keyBytes,
        keyBytes,
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 200 }), { minLength: 1, maxLength: 20 }),
        (localBytes, remoteBytes, bodies) => {
          const local = attribute(localBytes, suite);
          const remote = attribute(remoteBytes, suite);
          const ours = new SrtpTransform(local, remote, engine);
          const peer = new SrtpTransform(remote, local, engine);
          const werift = reference(local, remote);
          const weriftPeer = reference(remote, local);
          for (const body of bodies) {
            const packet = Buffer.concat([Buffer.from('80c90001deadbeef', 'hex'), Buffer.from(body)]);
            const wire = ours.protectRtcp(packet);
            expect(wire.toString('hex')).toBe(werift.rtcp.encrypt(packet).toString('hex'));
            expect(peer.unprotectRtcp(wire)?.toString('hex')).toBe(packet.toString('hex'));
            expect(weriftPeer.rtcp.decrypt(wire).toString('hex')).toBe(packet.toString('hex'));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('decrypts werift’s packets received out of order within the replay window', () => {
    fc.assert(
      fc.property(
        keyBytes,
        keyBytes,
        fc.integer({ min: 65_520, max: 65_535 }),
        fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
        (localBytes, remoteBytes, start, swaps) => {
          const local = attribute(localBytes, suite);
          const remote = attribute(remoteBytes, suite);
          const werift = reference(local, remote);
          const peer = new SrtpTransform(remote, local, engine);
          const sent = packets(
            swaps.map(() => ({ ssrcChoice: false, csrcs: 0, payload: new Uint8Array(160).fill(7), marker: false })),
            start,
            [0x1234, 0x5678],
          ).map(({ packet, headerBytes }) => ({ packet, wire: referenceProtect(werift.rtp, packet, headerBytes).subarray(0, packet.length + tag) }));
          // Swap neighbours (a few packets arriving late), never the first: it sets the ROC's reference.
          for (const [index, swap] of swaps.entries()) {
            const at = 1 + (index % (sent.length - 2));
            if (swap % 3 === 0) [sent[at], sent[at + 1]] = [sent[at + 1]!, sent[at]!];
          }
          for (const { packet, wire } of sent) expect(peer.unprotectRtp(wire)?.toString('hex')).toBe(packet.toString('hex'));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('drops and counts packets with any one bit flipped, RTP and RTCP', () => {
    fc.assert(
      fc.property(keyBytes, keyBytes, fc.nat(), fc.integer({ min: 0, max: 7 }), (localBytes, remoteBytes, where, bit) => {
        const local = attribute(localBytes, suite);
        const remote = attribute(remoteBytes, suite);
        const ours = new SrtpTransform(local, remote, engine);
        const peer = new SrtpTransform(remote, local, engine);
        const { packet } = packets([{ ssrcChoice: false, csrcs: 1, payload: new Uint8Array(40).fill(3), marker: false }], 9, [1, 2])[0]!;
        const wire = Buffer.from(ours.protectRtp(packet));
        // Byte 0's top bits are the RTP version, which is checked before authentication: still a drop.
        wire[where % wire.length]! ^= 1 << bit;
        expect(peer.unprotectRtp(wire)).toBeUndefined();
        const report = Buffer.from(ours.protectRtcp(Buffer.from('80c90001deadbeef0102030405060708', 'hex')));
        report[where % report.length]! ^= 1 << bit;
        expect(peer.unprotectRtcp(report)).toBeUndefined();
        expect(peer.counters).toMatchObject({ droppedRtp: 1, unprotectedRtp: 0, droppedRtcp: 1, unprotectedRtcp: 0 });
      }),
      { numRuns: 200 },
    );
  });
});

/** HMAC-SHA1 by Node's createHmac, the reference: `message[0, length)` and a 32-bit big-endian trailer. */
function referenceTag(key: Uint8Array, message: Buffer, length: number, trailer: number | undefined): string {
  const reference = createHmac('sha1', key).update(message.subarray(0, length));
  if (trailer !== undefined) reference.update(Buffer.from([trailer >>> 24, trailer >>> 16, trailer >>> 8, trailer].map((b) => b & 0xff)));
  return reference.digest('hex');
}

const tagSpecs = fc.array(
  fc.record({ message: fc.uint8Array({ maxLength: 300 }), cut: fc.nat(), trailer: fc.option(fc.nat({ max: 0xffffffff }), { nil: undefined }) }),
  { minLength: 1, maxLength: 4 },
);

describe('HMAC-SHA1 keyed once (RFC 2104)', () => {
  beforeAll(async () => {
    expect(await loadWasmSha1()).toBe(true);
    expect(wasmSha1Failure()).toBeUndefined();
  });

  /** The two ways a tag is made: the process's WebAssembly SHA-1 (once loaded) and Node's native one. */
  const ways: [string, () => IHasher | undefined][] = [
    ['the WebAssembly SHA-1', wasmSha1],
    ['the native SHA-1', () => undefined],
  ];

  for (const [way, sha1] of ways) {
    it(`makes the tag Node’s createHmac makes on ${way}, for any key up to a block, message length and trailer, tag after tag`, () => {
      expect(sha1() === undefined).toBe(way === 'the native SHA-1');
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), tagSpecs, (key, tags) => {
          const auth = new HmacSha1(Buffer.from(key), sha1);
          for (const { message, cut, trailer } of tags) {
            const bytes = Buffer.from(message);
            const length = bytes.length === 0 ? 0 : cut % (bytes.length + 1);
            const target = Buffer.alloc(24, 0xee);
            auth.tag(bytes, length, trailer, target, 2, 20);
            expect(target.subarray(2, 22).toString('hex')).toBe(referenceTag(key, bytes, length, trailer));
            expect([target[0], target[1], target[22], target[23]]).toEqual([0xee, 0xee, 0xee, 0xee]);
          }
        }),
        { numRuns: 200 },
      );
    });
  }

  it('shares one WebAssembly SHA-1 between keys: tags of several keys interleaved, and a way that switches mid-stream, stay right', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 20, maxLength: 20 }), { minLength: 2, maxLength: 4 }),
        fc.array(
          fc.record({ which: fc.nat(), message: fc.uint8Array({ minLength: 12, maxLength: 200 }), roc: fc.nat({ max: 0xffffffff }), wasm: fc.boolean() }),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        (keys, tags) => {
          // Each key's HmacSha1 takes the WebAssembly SHA-1 or the native one tag by tag (as while loading).
          let useWasm = false;
          const auths = keys.map((key) => new HmacSha1(Buffer.from(key), () => (useWasm ? wasmSha1() : undefined)));
          for (const { which, message, roc, wasm } of tags) {
            useWasm = wasm;
            const key = keys[which % keys.length]!;
            const bytes = Buffer.from(message);
            const target = Buffer.alloc(10);
            auths[which % keys.length]!.tag(bytes, bytes.length, roc, target, 0, 10);
            expect(target.toString('hex')).toBe(referenceTag(key, bytes, bytes.length, roc).slice(0, 20));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a key longer than one SHA-1 block', () => {
    expect(() => new HmacSha1(Buffer.alloc(65))).toThrow(/65 bytes, at most 64/);
  });
});

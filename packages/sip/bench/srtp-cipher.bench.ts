/**
 * SRTP cipher benchmark: CPU per G.711 packet (12-byte header, 160-byte payload) protected and then
 * unprotected, werift-rtp 0.8.9's own AES_CM_128_HMAC_SHA1_80 cipher (a new AES-CTR cipher and a new
 * HMAC per packet) beside callhook's on @callhook/srtp-openssl (one native call per packet on Node's
 * OpenSSL: what the line uses where that module is built) and callhook's in JavaScript
 * (src/srtp/aes-cm-hmac-sha1.ts: one AES-ECB object per session key
 * making 64 packets of keystream per call, HMAC pads made once, the two SHA-1s of a tag on hash-wasm's
 * WebAssembly SHA-1) and beside callhook's with the tag on Node's native one-shot SHA-1 (the way until
 * the WebAssembly module is loaded) and on @noble/hashes' HMAC-SHA1 in JavaScript (keyed once, cloned
 * per tag), all given the same session keys by werift's key derivation, rounds alternating in one
 * process. Then the HMAC-SHA1 ways measured alone for the choice (createHmac per packet, Hash.copy() of
 * keyed hashes, two native one-shot hashes over the pads, hash-wasm's SHA-1 over the pads (used),
 * hash-wasm's save()/load() of the keyed states, @noble/hashes' keyed HMAC cloned into a reused one).
 * A hot loop flatters native calls less than the line does; `srtp-rtp.bench.ts` is the figure that
 * counts. ≤ 1 min. Reports the median µs CPU per packet and ratios.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { hmac as nobleHmac, type _HMAC } from '@noble/hashes/hmac.js';
import { sha1, type _SHA1 } from '@noble/hashes/legacy.js';
import { ProtectionProfileAes128CmHmacSha1_80, SrtpSession } from 'werift-rtp';
import { AesCmHmacSha1Cipher, type SessionKeys } from '../src/srtp/aes-cm-hmac-sha1.js';
import { HmacSha1 } from '../src/srtp/hmac-sha1.js';
import { loadWasmSha1 } from '../src/srtp/sha1-wasm.js';
import { createSHA1 } from 'hash-wasm';
import { loadSrtpOpenssl, srtpOpensslUnavailable } from '@callhook/srtp-openssl';

const PACKETS = Number(process.env.CALLHOOK_SRTP_CIPHER_PACKETS ?? 40_000);
const ROUNDS = 5;

interface Cipher {
  encryptRtp(header: object, payload: Buffer, roc: number): Buffer;
  decryptRtp(packet: Buffer, roc: number, header: object): [Buffer, unknown];
  /** callhook's: the calls the line makes (a packet sealed from its bytes, decrypted in place). */
  encryptRtpPacket?(packet: Buffer, headerBytes: number, ssrc: number, sequenceNumber: number, roc: number): Buffer;
  decryptRtpInPlace?(packet: Buffer, roc: number, ssrc: number, sequenceNumber: number, payloadOffset: number): number;
}

const master = randomBytes(30);
const session = new SrtpSession({
  keys: {
    localMasterKey: master.subarray(0, 16),
    localMasterSalt: master.subarray(16),
    remoteMasterKey: master.subarray(0, 16),
    remoteMasterSalt: master.subarray(16),
  },
  profile: ProtectionProfileAes128CmHmacSha1_80,
});
const context = session.localContext as unknown as { cipher: Cipher } & SessionKeys;

/**
 * HMAC-SHA1 in JavaScript by @noble/hashes, the alternative measured: keyed once, cloned per tag into one
 * reused object (`_cloneInto`), so a tag makes no native call and no allocation; its SHA-1 rounds run in
 * JavaScript. Same `tag` shape as src's HmacSha1.
 */
class NobleHmacSha1 {
  private readonly keyed: _HMAC<_SHA1>;
  private readonly work: _HMAC<_SHA1>;
  private readonly digest = new Uint8Array(20);
  private readonly trailer = new Uint8Array(4);

  constructor(key: Buffer) {
    this.keyed = nobleHmac.create(sha1, key) as _HMAC<_SHA1>;
    this.work = this.keyed.clone();
  }

  tag(message: Buffer, length: number, trailer: number | undefined, target: Buffer, at: number, bytes: number): void {
    const work = this.keyed._cloneInto(this.work);
    work.update(length === message.length ? message : message.subarray(0, length));
    if (trailer !== undefined) {
      this.trailer.set([trailer >>> 24, (trailer >>> 16) & 0xff, (trailer >>> 8) & 0xff, trailer & 0xff]);
      work.update(this.trailer);
    }
    work.digestInto(this.digest);
    for (let byte = 0; byte < bytes; byte++) target[at + byte] = this.digest[byte]!;
  }
}

if (!(await loadWasmSha1())) throw new Error('the WebAssembly SHA-1 did not load');
const withNoble = new AesCmHmacSha1Cipher(context, 10);
(withNoble as unknown as { rtpJs(): { auth: unknown } }).rtpJs().auth = new NobleHmacSha1(context.srtpSessionAuthTag);
const withNative = new AesCmHmacSha1Cipher(context, 10);
(withNative as unknown as { rtpJs(): { auth: unknown } }).rtpJs().auth = new HmacSha1(context.srtpSessionAuthTag, () => undefined);
const openssl = loadSrtpOpenssl();
if (!openssl) throw new Error(`@callhook/srtp-openssl did not load: ${srtpOpensslUnavailable()}`);
const ciphers: Record<string, Cipher> = {
  werift: context.cipher,
  'callhook on OpenSSL (used where built)': new AesCmHmacSha1Cipher(context, 10, openssl) as unknown as Cipher,
  callhook: new AesCmHmacSha1Cipher(context, 10) as unknown as Cipher,
  'callhook with @noble/hashes HMAC': withNoble as unknown as Cipher,
  'callhook with the native SHA-1': withNative as unknown as Cipher,
};

const packet = Buffer.alloc(172, 0x5a);
packet[0] = 0x80;
packet.writeUInt32BE(0xbeef, 8);

/** CPU µs per packet protected and unprotected, sequence numbers counting on from `start`. */
function round(cipher: Cipher, start: number): number {
  const before = process.cpuUsage();
  for (let i = 0; i < PACKETS; i++) {
    const sequenceNumber = (start + i) & 0xffff;
    const roc = Math.floor((start + i) / 0x10000);
    if (cipher.encryptRtpPacket && cipher.decryptRtpInPlace) {
      packet.writeUInt16BE(sequenceNumber, 2);
      cipher.decryptRtpInPlace(cipher.encryptRtpPacket(packet, 12, 0xbeef, sequenceNumber, roc), roc, 0xbeef, sequenceNumber, 12);
      continue;
    }
    const header = { ssrc: 0xbeef, sequenceNumber, serializeSize: 12, serialize: () => packet.subarray(0, 12) };
    const wire = cipher.encryptRtp(header, packet.subarray(12), roc);
    cipher.decryptRtp(wire, roc, { ssrc: 0xbeef, sequenceNumber, payloadOffset: 12, padding: false, paddingSize: 0 });
  }
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / PACKETS;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const results: Record<string, number[]> = Object.fromEntries(Object.keys(ciphers).map((name) => [name, []]));
for (const name of Object.keys(ciphers)) round(ciphers[name]!, 0); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? Object.keys(ciphers) : Object.keys(ciphers).reverse();
  for (const name of order) results[name]!.push(round(ciphers[name]!, (r + 1) * PACKETS));
}
const werift = median(results.werift!);
for (const [name, values] of Object.entries(results)) {
  console.log(
    `srtp-cipher: ${name}: ${median(values).toFixed(2)} µs CPU per packet protected + unprotected (median of ${ROUNDS}; ${(median(values) / werift).toFixed(2)}× werift)`,
  );
}

// The HMAC-SHA1 ways, for the record (RFC 2104 over a 176-byte SRTP packet + ROC).
const key = randomBytes(20);
const message = randomBytes(176);
const pads = [0x36, 0x5c].map((byte) => {
  const pad = Buffer.alloc(64, byte);
  for (let i = 0; i < key.length; i++) pad[i]! ^= key[i]!;
  return pad;
});
const inner = createHash('sha1').update(pads[0]!);
const outer = createHash('sha1').update(pads[1]!);
const nativeTag = new HmacSha1(key, () => undefined);
const wasmTag = new HmacSha1(key);
// hash-wasm's own resumable state: the keyed inner and outer states saved once, loaded per tag.
const resumable = await createSHA1();
const [innerState, outerState] = pads.map((pad) => resumable.init().update(pad).save());
const trailer = new Uint8Array(4);
const loadedTag = () => {
  const digest = resumable.load(innerState!).update(message).update(trailer).digest('binary');
  return resumable.load(outerState!).update(digest).digest('binary');
};
const nobleTag = new NobleHmacSha1(key);
const tag = Buffer.alloc(10);
const ways: Record<string, () => unknown> = {
  'createHmac per packet': () => createHmac('sha1', key).update(message).digest(),
  'Hash.copy() of keyed hashes': () => outer.copy().update(inner.copy().update(message).digest()).digest(),
  'two native one-shot hashes over the pads': () => nativeTag.tag(message, message.length, 7, tag, 0, 10),
  'hash-wasm SHA-1 over the pads (used)': () => wasmTag.tag(message, message.length, 7, tag, 0, 10),
  'hash-wasm save()/load() of keyed states': loadedTag,
  '@noble/hashes keyed HMAC cloned': () => nobleTag.tag(message, message.length, 7, tag, 0, 10),
};
const hmac: Record<string, number[]> = {};
for (let r = 0; r <= ROUNDS; r++) {
  for (const [name, way] of Object.entries(ways)) {
    const before = process.cpuUsage();
    for (let i = 0; i < PACKETS; i++) way();
    const cpu = process.cpuUsage(before);
    if (r > 0) (hmac[name] ??= []).push((cpu.user + cpu.system) / PACKETS);
  }
}
const base = median(hmac['createHmac per packet']!);
for (const [name, values] of Object.entries(hmac))
  console.log(`srtp-cipher: HMAC-SHA1 ${name}: ${median(values).toFixed(2)} µs per tag (${(median(values) / base).toFixed(2)}× createHmac)`);

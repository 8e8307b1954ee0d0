import { createCipheriv, type Cipher } from 'node:crypto';
import type { SrtpOpenssl, SrtpPacketCipher } from '@callhook/srtp-openssl';
import { HmacSha1 } from './hmac-sha1.js';

/**
 * The AES_CM_128_HMAC_SHA1 transforms of SRTP (RFC 3711 §4.1.1 AES counter mode, §4.2.1 HMAC-SHA1) on
 * Node's crypto, made cheap per packet: werift-rtp 0.8.9's cipher builds a new AES-CTR cipher and a new
 * HMAC object for every packet, which cost as much as the rest of the media path's work on it. Here one
 * AES-128-ECB cipher object per session key makes the keystream of several packets in one call, and the
 * HMAC's keyed pads are made once per session key.
 *
 * werift-rtp keeps the framing: key derivation (RFC 3711 §4.3), the rollover counter (§3.3.1) and the
 * SRTCP index (§3.4) stay in its SRTP/SRTCP contexts, which call `AesCmHmacSha1Cipher` in place of their
 * own cipher (`installCipher`). Errors thrown for packets to drop are `SrtpDropError`s.
 *
 * The RTP packets the line sends and receives (`encryptRtpPacket`, `decryptRtpInPlace`) go, where it is
 * built, through @callhook/srtp-openssl: the same AES-CM and HMAC-SHA1 in one native call per packet on
 * the OpenSSL inside Node (0.73 µs per packet protected and unprotected against 6.2 µs here in
 * JavaScript, bench/srtp-cipher.bench.ts). SRTCP (a packet every few seconds) stays in JavaScript.
 */

/** AES block size in bytes (FIPS 197). */
const BLOCK = 16;
/** SRTCP's E flag and index (RFC 3711 §3.4) and its authentication tag (80 bits in both suites, RFC 4568 §6.2). */
const SRTCP_INDEX_BYTES = 4;
const SRTCP_TAG_BYTES = 10;
/** The RTCP header and sender SSRC, which SRTCP leaves in clear (RFC 3711 §3.4). */
const RTCP_CLEAR_BYTES = 8;
/** Packets whose keystream one AES call makes ahead on a sending or receiving RTP stream. */
const RTP_KEYSTREAM_PACKETS = 64;
/** SSRCs whose keystream runs a context keeps (a call has one per direction; a few more cover an SSRC change). */
const KEYSTREAM_SSRCS = 4;

/** A packet that fails authentication or is malformed; the caller drops it (RFC 3711 §3.3 step 5). */
export class SrtpDropError extends Error {}

/**
 * The AES-CM keystream of one session key and salt (RFC 3711 §4.1.1): for the packet index i of SSRC s,
 * IV = (k_s · 2^16) XOR (s · 2^64) XOR (i · 2^16), and keystream block j = AES-128(k_e, IV + j). One
 * AES-128-ECB cipher object is made for the key and encrypts the counter blocks of `packets` consecutive
 * indexes at once (Node's cipher calls cost far more than the AES rounds of a few blocks); a packet
 * whose index or length lies outside what was made makes the next run, starting at its index. Each SSRC
 * keeps its counter blocks between runs: the salt and SSRC words stay, and a run rewrites only the words
 * that hold the index and block number.
 */
export class AesCmKeystream {
  private readonly ecb: Cipher;
  /** Per SSRC (the last few): the keystream run made last. */
  private readonly runs = new Map<number, KeystreamRun>();
  /** The run used last and its SSRC (a stream has one SSRC: no map lookup per packet). */
  private lastSsrc = -1;
  private lastRun: KeystreamRun | undefined;
  /** The salt as big-endian words: bytes 0–3, 4–7, 8–11, and 12–13 in the upper half of the last. */
  private readonly saltWords: [number, number, number, number];

  /**
   * `key`: the 16-byte session encryption key k_e; `salt`: the 14-byte session salt k_s (RFC 3711 §4.3).
   * `packets`: packet indexes made per AES call (1 for SRTCP, whose packets come seconds apart).
   * Throws RangeError for a key or salt of another length.
   */
  constructor(
    key: Buffer,
    salt: Buffer,
    private readonly packets: number,
  ) {
    if (key.length !== 16) throw new RangeError(`AES-CM session key is ${key.length} bytes, not 16 (RFC 3711 §8.2)`);
    if (salt.length !== 14) throw new RangeError(`AES-CM session salt is ${salt.length} bytes, not 14 (RFC 3711 §8.2)`);
    this.ecb = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
    this.saltWords = [salt.readUInt32BE(0), salt.readUInt32BE(4), salt.readUInt32BE(8), salt.readUInt16BE(12) << 16];
  }

  /**
   * Writes `source[from, from + length)` XOR the keystream of (`ssrc`, `index`) to `target` at `at`
   * (encrypting and decrypting alike; `target` may be `source` with `at` = `from`, in place). `index`: the
   * 48-bit SRTP packet index ROC · 2^16 + SEQ (§3.3.1) or the 31-bit SRTCP index (§3.4). `length` is
   * below 2^20 bytes (2^16 blocks, §4.1.1).
   */
  xor(ssrc: number, index: number, source: Buffer, from: number, length: number, target: Buffer, at: number): void {
    const bytes = Math.ceil(length / BLOCK) * BLOCK;
    let run = ssrc === this.lastSsrc ? this.lastRun! : this.runs.get(ssrc);
    if (!run || index < run.first || index >= run.first + this.packets || bytes > run.stride) run = this.run(ssrc, index, bytes, run);
    this.lastSsrc = ssrc;
    this.lastRun = run;
    const offset = (index - run.first) * run.stride;
    const sourceStart = source.byteOffset + from;
    const targetStart = target.byteOffset + at;
    let byte = 0;
    const stream32 = run.words;
    if (stream32 !== undefined && ((sourceStart | targetStart) & 3) === 0 && length >= 16) {
      // 32-bit words where both sides are 4-byte aligned (received datagrams and pooled buffers are;
      // the keystream's offset is a multiple of 16): a quarter of the loop turns.
      const words = length >>> 2;
      const first = offset >>> 2;
      const into = new Int32Array(target.buffer, targetStart, words);
      const out = source === target && from === at ? into : new Int32Array(source.buffer, sourceStart, words);
      for (let word = 0; word < words; word++) into[word] = out[word]! ^ stream32[first + word]!;
      byte = words << 2;
    }
    const stream = run.stream;
    for (; byte < length; byte++) target[at + byte] = source[from + byte]! ^ stream[offset + byte]!;
  }

  /** Makes the run of (`ssrc`, `index`) and on, `bytes` long at least; `last`: the SSRC's previous run. */
  private run(ssrc: number, index: number, bytes: number, last: KeystreamRun | undefined): KeystreamRun {
    const [salt0, salt1, salt2, salt3] = this.saltWords;
    let run = last;
    if (!run || bytes > run.stride) {
      // New counter blocks for the SSRC: IV = (k_s · 2^16) XOR (SSRC · 2^64) XOR (i · 2^16), block j =
      // IV + j (§4.1.1), as big-endian words: bytes 0–3 salt, 4–7 salt XOR SSRC (written here, once),
      // 8–11 salt XOR ROC, 12–13 salt XOR SEQ, 14–15 j (written per run below).
      const stride = Math.max(bytes, run?.stride ?? 0, BLOCK);
      const counters = new DataView(new ArrayBuffer(stride * this.packets));
      const word1 = (salt1 ^ ssrc) >>> 0;
      for (let at = 0; at < counters.byteLength; at += BLOCK) {
        counters.setUint32(at, salt0);
        counters.setUint32(at + 4, word1);
      }
      run = { first: index, stride, counters, countersView: new Uint8Array(counters.buffer), stream: Buffer.alloc(0), words: undefined };
    }
    const { counters, stride } = run;
    const blocks = stride / BLOCK;
    for (let packet = 0, at = 0; packet < this.packets; packet++) {
      const i = index + packet;
      const word2 = (salt2 ^ Math.floor(i / 0x10000)) >>> 0;
      const word3 = (salt3 ^ ((i & 0xffff) << 16)) >>> 0;
      for (let block = 0; block < blocks; block++, at += BLOCK) {
        counters.setUint32(at + 8, word2);
        counters.setUint32(at + 12, (word3 | block) >>> 0);
      }
    }
    run.first = index;
    run.stream = this.ecb.update(run.countersView);
    run.words = run.stream.byteOffset % 4 === 0 ? new Int32Array(run.stream.buffer, run.stream.byteOffset, run.stream.length >>> 2) : undefined;
    if (run !== last) {
      this.runs.delete(ssrc);
      this.runs.set(ssrc, run);
      if (this.runs.size > KEYSTREAM_SSRCS) {
        const oldest = this.runs.keys().next().value!;
        this.runs.delete(oldest);
        if (oldest === this.lastSsrc) this.lastSsrc = -1;
      }
    }
    return run;
  }
}

/** Keystream of `packets` consecutive indexes from `first`, `stride` bytes each, and the SSRC's counter blocks. */
interface KeystreamRun {
  first: number;
  stride: number;
  counters: DataView;
  countersView: Uint8Array;
  stream: Buffer;
  /** `stream` as 32-bit words, when it is 4-byte aligned (the cipher's output is, in Node 20). */
  words: Int32Array | undefined;
}

/** The session keys of one SRTP/SRTCP context (RFC 3711 §4.3), as werift-rtp's Context derives them. */
export interface SessionKeys {
  srtpSessionKey: Buffer;
  srtpSessionSalt: Buffer;
  srtpSessionAuthTag: Buffer;
  srtcpSessionKey: Buffer;
  srtcpSessionSalt: Buffer;
  srtcpSessionAuthTag: Buffer;
}

/** What werift-rtp's SRTP context hands `encryptRtp` of a header (see SrtpTransform.protectRtp). */
export interface RtpHeaderView {
  ssrc: number;
  sequenceNumber: number;
  /** Header bytes: fixed header, CSRCs, extension (RFC 3550 §5.1). */
  serializeSize: number;
  serialize(size: number): Buffer;
}

/** What `decryptRtp` reads of a received packet's header (see SrtpTransform's decrypt). */
export interface ReceivedRtpHeader {
  ssrc: number;
  sequenceNumber: number;
  payloadOffset: number;
  padding: boolean;
  paddingSize: number;
}

/**
 * AES_CM_128_HMAC_SHA1_80 or _32 (RFC 4568 §6.2.1–6.2.2) for one direction, shaped like werift-rtp
 * 0.8.9's CipherAesCtr (the calls its SrtpContext and SrtcpContext make), with the same output bit for
 * bit (test/srtp-cipher.test.ts). `authTagLength`: the SRTP tag in bytes, 10 (_80) or 4 (_32); SRTCP
 * tags are 10 bytes in both (RFC 4568 §6.2.2). `keys`: 16-byte session keys, 14-byte salts, 20-byte
 * authentication keys (RFC 3711 §8.2); RangeError otherwise. `openssl`: the native module for the line's
 * RTP packets, or undefined for JavaScript only.
 */
export class AesCmHmacSha1Cipher {
  private readonly rtcpKeystream: AesCmKeystream;
  private readonly rtcpAuth: HmacSha1;
  private readonly expected = Buffer.alloc(SRTCP_TAG_BYTES);
  private readonly native: { openssl: SrtpOpenssl; cipher: SrtpPacketCipher } | undefined;
  /** The RTP keystream and tag in JavaScript: made on first use (never on the line's path when `native` is there). */
  private rtpInJs: { keystream: AesCmKeystream; auth: HmacSha1 } | undefined;

  constructor(
    private readonly keys: SessionKeys,
    readonly authTagLength: 10 | 4,
    openssl?: SrtpOpenssl,
  ) {
    this.rtcpKeystream = new AesCmKeystream(keys.srtcpSessionKey, keys.srtcpSessionSalt, 1);
    this.rtcpAuth = new HmacSha1(keys.srtcpSessionAuthTag);
    this.native = openssl && { openssl, cipher: openssl.createCipher(keys.srtpSessionKey, keys.srtpSessionSalt, keys.srtpSessionAuthTag) };
  }

  /** The SRTP packet of an RTP header and payload under rollover counter `roc` (RFC 3711 §3.3); werift's call. */
  encryptRtp(header: RtpHeaderView, payload: Buffer, roc: number): Buffer {
    const headerBytes = header.serializeSize;
    const out = Buffer.allocUnsafe(headerBytes + payload.length + this.authTagLength);
    header.serialize(headerBytes).copy(out, 0, 0, headerBytes);
    payload.copy(out, headerBytes);
    return this.sealInPlace(out, headerBytes, headerBytes + payload.length, header.ssrc, header.sequenceNumber, roc);
  }

  /**
   * The SRTP packet of the RTP packet `packet` (its first `headerBytes` are the header, RFC 3550 §5.1)
   * under rollover counter `roc` (RFC 3711 §3.3), without a header object: one buffer made.
   */
  encryptRtpPacket(packet: Buffer, headerBytes: number, ssrc: number, sequenceNumber: number, roc: number): Buffer {
    const out = Buffer.allocUnsafe(packet.length + this.authTagLength);
    packet.copy(out);
    return this.sealInPlace(out, headerBytes, packet.length, ssrc, sequenceNumber, roc);
  }

  /** Encrypts `out[headerBytes, length)` where it lies and writes the tag behind it (`out` holds length + tag bytes). */
  private sealInPlace(out: Buffer, headerBytes: number, length: number, ssrc: number, sequenceNumber: number, roc: number): Buffer {
    const index = roc * 0x10000 + sequenceNumber;
    if (this.native) {
      this.native.openssl.sealRtp(this.native.cipher, out, headerBytes, length, ssrc, index, roc, this.authTagLength);
      return out;
    }
    const { keystream, auth } = this.rtpJs();
    keystream.xor(ssrc, index, out, headerBytes, length - headerBytes, out, headerBytes);
    auth.tag(out, length, roc, out, length, this.authTagLength);
    return out;
  }

  private rtpJs(): { keystream: AesCmKeystream; auth: HmacSha1 } {
    this.rtpInJs ??= {
      keystream: new AesCmKeystream(this.keys.srtpSessionKey, this.keys.srtpSessionSalt, RTP_KEYSTREAM_PACKETS),
      auth: new HmacSha1(this.keys.srtpSessionAuthTag),
    };
    return this.rtpInJs;
  }

  /**
   * The RTP packet of an SRTP packet under `roc`, authenticated first (RFC 3711 §3.3 steps 4–6), and the
   * header with `paddingSize` read. Throws SrtpDropError on a bad tag or padding.
   */
  decryptRtp(packet: Buffer, roc: number, header: ReceivedRtpHeader): [Buffer, ReceivedRtpHeader] {
    const length = packet.length - this.authTagLength;
    const { keystream, auth } = this.rtpJs();
    this.check(auth, packet, length, roc, 'SRTP');
    const out = Buffer.allocUnsafe(length);
    for (let byte = 0; byte < header.payloadOffset; byte++) out[byte] = packet[byte]!;
    const payloadBytes = length - header.payloadOffset;
    keystream.xor(header.ssrc, roc * 0x10000 + header.sequenceNumber, packet, header.payloadOffset, payloadBytes, out, header.payloadOffset);
    header.paddingSize = 0;
    if (header.padding) {
      // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
      const padding = out[length - 1] ?? 0;
      if (payloadBytes === 0 || padding === 0 || padding > payloadBytes) throw new SrtpDropError('SRTP packet with a bad padding count');
      header.paddingSize = padding;
    }
    return [out, header];
  }

  /**
   * Authenticates the SRTP packet `packet` under `roc` (RFC 3711 §3.3 steps 4–5) and decrypts its payload
   * in place (step 6): no buffer is made. Returns the length of the RTP packet, which is `packet[0,
   * length)` (the tag stays behind it). `payloadOffset`: the RTP header's length. Throws SrtpDropError on
   * a bad tag, leaving `packet` as it was. The padding count is the RTP reader's to check (`parseRtp`),
   * as for plain RTP: an authentic packet with a bad count is a bad RTP packet, not a forged one.
   */
  decryptRtpInPlace(packet: Buffer, roc: number, ssrc: number, sequenceNumber: number, payloadOffset: number): number {
    const length = packet.length - this.authTagLength;
    const index = roc * 0x10000 + sequenceNumber;
    if (this.native) {
      if (!this.native.openssl.openRtp(this.native.cipher, packet, payloadOffset, length, ssrc, index, roc, this.authTagLength)) {
        throw new SrtpDropError('Failed to authenticate SRTP packet');
      }
      return length;
    }
    const { keystream, auth } = this.rtpJs();
    this.check(auth, packet, length, roc, 'SRTP');
    keystream.xor(ssrc, index, packet, payloadOffset, length - payloadOffset, packet, payloadOffset);
    return length;
  }

  /** The SRTCP packet of an RTCP compound packet with SRTCP index `index`, encrypted (E=1, RFC 3711 §3.4). */
  encryptRTCP(packet: Buffer, index: number): Buffer {
    const length = packet.length + SRTCP_INDEX_BYTES;
    const out = Buffer.allocUnsafe(length + SRTCP_TAG_BYTES);
    packet.copy(out, 0, 0, RTCP_CLEAR_BYTES);
    this.rtcpKeystream.xor(packet.readUInt32BE(4), index, packet, RTCP_CLEAR_BYTES, packet.length - RTCP_CLEAR_BYTES, out, RTCP_CLEAR_BYTES);
    out.writeUInt32BE((0x80000000 | index) >>> 0, packet.length);
    this.rtcpAuth.tag(out, length, undefined, out, length, SRTCP_TAG_BYTES);
    return out;
  }

  /** The RTCP packet of an SRTCP packet, authenticated first (RFC 3711 §3.4). Throws SrtpDropError on a bad tag. */
  decryptRTCP(packet: Buffer): [Buffer, undefined] {
    if (packet.length < RTCP_CLEAR_BYTES + SRTCP_INDEX_BYTES + SRTCP_TAG_BYTES) throw new SrtpDropError('SRTCP packet too short');
    const length = packet.length - SRTCP_TAG_BYTES;
    this.check(this.rtcpAuth, packet, length, undefined, 'SRTCP');
    const tail = length - SRTCP_INDEX_BYTES;
    const out = Buffer.allocUnsafe(tail);
    const word = packet.readUInt32BE(tail);
    if (word & 0x80000000) {
      packet.copy(out, 0, 0, RTCP_CLEAR_BYTES);
      this.rtcpKeystream.xor(packet.readUInt32BE(4), word & 0x7fffffff, packet, RTCP_CLEAR_BYTES, tail - RTCP_CLEAR_BYTES, out, RTCP_CLEAR_BYTES);
    } else {
      packet.copy(out, 0, 0, tail);
    }
    return [out, undefined];
  }

  /**
   * Throws SrtpDropError unless the tag after `packet[0, length)` is the one `auth` makes. Constant time
   * in the tag's bytes (every byte is compared, differences OR-ed together), as `timingSafeEqual` would
   * be, without its native call and two views per packet.
   */
  private check(auth: HmacSha1, packet: Buffer, length: number, roc: number | undefined, what: string): void {
    const bytes = packet.length - length;
    const expected = this.expected;
    auth.tag(packet, length, roc, expected, 0, bytes);
    let difference = 0;
    for (let byte = 0; byte < bytes; byte++) difference |= packet[length + byte]! ^ expected[byte]!;
    if (difference !== 0) throw new SrtpDropError(`Failed to authenticate ${what} packet`);
  }
}

/**
 * Puts an `AesCmHmacSha1Cipher` made from a werift-rtp SRTP or SRTCP context's session keys in place of
 * the context's own cipher; the context keeps deriving the keys and counting the ROC or SRTCP index.
 * `openssl`: the native module for RTP packets, if any.
 */
export function installCipher(context: object, rtpTagBytes: 10 | 4, openssl?: SrtpOpenssl): void {
  const internals = context as { cipher: unknown } & SessionKeys;
  internals.cipher = new AesCmHmacSha1Cipher(internals, rtpTagBytes, openssl);
}

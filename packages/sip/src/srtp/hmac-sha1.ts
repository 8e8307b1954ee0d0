import { hash } from 'node:crypto';
import type { IHasher } from 'hash-wasm';
import { wasmSha1 } from './sha1-wasm.js';

/** HMAC-SHA1 (RFC 2104): SHA-1's block and digest sizes in bytes. */
const SHA1_BLOCK = 64;
const SHA1_DIGEST = 20;

/**
 * HMAC-SHA1 (RFC 2104) under one session authentication key, cut to a tag (RFC 3711 §4.2.1). The key XOR
 * ipad and key XOR opad blocks are made once and sit in front of the message in two scratch buffers, so
 * a tag is H(opad-block || H(ipad-block || message)) over those buffers: no HMAC object per packet.
 *
 * The two hashes run on the process's WebAssembly SHA-1 (hash-wasm, `sha1-wasm.ts`) once it is loaded:
 * a tag is then two `init`/`update`/`digest` rounds of calls into WebAssembly (1.7–1.9 µs for a G.711
 * packet against 3.1 µs for the two one-shot native `hash()` calls, whose cost is the native call, not
 * SHA-1's rounds; bench/srtp-cipher.bench.ts). Until it is loaded, or where it cannot be, the two hashes
 * are Node's one-shot `crypto.hash`. Both ways give the same tags. Measured and not taken: `createHmac`
 * per packet, `Hash.copy()` of keyed hashes, @noble/hashes' HMAC in JavaScript, and hash-wasm's own
 * `createHMAC` and its `save()`/`load()` of the keyed states (its `load` checks and copies the state on
 * every call, which costs more than hashing the pad block again).
 */
export class HmacSha1 {
  private inner = Buffer.alloc(SHA1_BLOCK + 256);
  private readonly outer = Buffer.alloc(SHA1_BLOCK + SHA1_DIGEST);
  /** `outer` as a plain Uint8Array view (hash-wasm takes any; a Buffer view would cost a FastBuffer per tag). */
  private readonly outerView = new Uint8Array(this.outer.buffer, this.outer.byteOffset, this.outer.length);

  /**
   * `key`: the 20-byte session authentication key k_a (RFC 3711 §4.2.1); RangeError beyond 64 bytes (one
   * SHA-1 block). `sha1`: where the WebAssembly SHA-1 comes from (the process's one; undefined = the
   * native SHA-1), for tests.
   */
  constructor(
    private readonly key: Buffer,
    private readonly sha1: () => IHasher | undefined = wasmSha1,
  ) {
    if (key.length > SHA1_BLOCK) throw new RangeError(`HMAC-SHA1 key is ${key.length} bytes, at most 64 here`);
    this.pad(this.inner, 0x36);
    this.pad(this.outer, 0x5c);
  }

  /**
   * The leftmost `bytes` (at most 20) of HMAC-SHA1(k_a, `message[0, length)` || `trailer`), written to
   * `target` at `at`. `trailer`: the ROC for SRTP, a 32-bit big-endian number appended (RFC 3711 §4.2);
   * undefined for SRTCP, whose E flag and index are already in `message` (§3.4).
   */
  tag(message: Buffer, length: number, trailer: number | undefined, target: Buffer, at: number, bytes: number): void {
    const total = SHA1_BLOCK + length + (trailer === undefined ? 0 : 4);
    if (total > this.inner.length) {
      const grown = Buffer.alloc(total * 2);
      this.inner.copy(grown, 0, 0, SHA1_BLOCK);
      this.inner = grown;
    }
    const inner = this.inner;
    inner.set(length === message.length ? message : message.subarray(0, length), SHA1_BLOCK);
    if (trailer !== undefined) inner.writeUInt32BE(trailer >>> 0, SHA1_BLOCK + length);
    const sha1 = this.sha1();
    let digest: Uint8Array;
    if (sha1 !== undefined) {
      sha1.init().update(new Uint8Array(inner.buffer, inner.byteOffset, total));
      this.outer.set(sha1.digest('binary'), SHA1_BLOCK);
      digest = sha1.init().update(this.outerView).digest('binary');
    } else {
      this.outer.set(hash('sha1', inner.subarray(0, total), 'buffer'), SHA1_BLOCK);
      digest = hash('sha1', this.outer, 'buffer');
    }
    for (let byte = 0; byte < bytes; byte++) target[at + byte] = digest[byte]!;
  }

  private pad(buffer: Buffer, byte: number): void {
    buffer.fill(byte, 0, SHA1_BLOCK);
    for (let i = 0; i < this.key.length; i++) buffer[i]! ^= this.key[i]!;
  }
}

import { createRequire } from 'node:module';

/**
 * SRTP's per-packet transform for the AES_CM_128_HMAC_SHA1_80 and _32 suites (RFC 3711 §4.1.1 AES
 * counter mode, §4.2.1 HMAC-SHA1; RFC 4568 §6.2) on the OpenSSL built into Node, through this package's
 * Node-API module (`src/callhook_srtp.c`, built into `build/callhook_srtp.node` by
 * `scripts/build-native.mjs`). One call encrypts and tags, or authenticates and decrypts, one RTP packet
 * in place; key derivation, the rollover counter, the replay list and SRTCP stay with the caller.
 */

/** The session keys of one direction's SRTP (RFC 3711 §4.3), bound in OpenSSL's contexts. Freed by the GC. */
export type SrtpPacketCipher = { readonly __srtpPacketCipher: unique symbol };

/** The module's functions. Wrong arguments throw TypeError naming the argument. */
export interface SrtpOpenssl {
  /** A cipher for the session encryption key k_e (16 bytes), salt k_s (14) and authentication key k_a (20). */
  createCipher(encryptionKey: Buffer, salt: Buffer, authKey: Buffer): SrtpPacketCipher;
  /**
   * Encrypts `buffer[headerBytes, length)` in place with the keystream of (`ssrc`, packet index `index` =
   * ROC · 2^16 + SEQ, §3.3.1) and writes the leftmost `tagBytes` (1–10) of HMAC-SHA1(k_a, `buffer[0,
   * length)` || `roc`) at `buffer[length]`; `buffer` must hold `length + tagBytes` bytes.
   */
  sealRtp(cipher: SrtpPacketCipher, buffer: Buffer, headerBytes: number, length: number, ssrc: number, index: number, roc: number, tagBytes: number): void;
  /**
   * Whether the tag at `buffer[length, length + tagBytes)` is that of `buffer[0, length)` || `roc`
   * (compared in constant time); if so `buffer[headerBytes, length)` is decrypted in place, else the
   * buffer is left untouched (RFC 3711 §3.3 steps 5–6).
   */
  openRtp(cipher: SrtpPacketCipher, buffer: Buffer, headerBytes: number, length: number, ssrc: number, index: number, roc: number, tagBytes: number): boolean;
}

let binding: SrtpOpenssl | undefined;
let failure: string | undefined;
let tried = false;

/**
 * The module, loaded on the first call (once per thread); undefined when it cannot be: not built (no C
 * compiler or no Node headers at build time), built against another major version of OpenSSL than this
 * Node's, under Electron (BoringSSL), or turned off with CALLHOOK_SRTP_CIPHER=javascript. `srtpOpensslUnavailable()` then says why. Never throws.
 */
export function loadSrtpOpenssl(): SrtpOpenssl | undefined {
  if (tried) return binding;
  tried = true;
  if (process.env.CALLHOOK_SRTP_CIPHER === 'javascript') {
    failure = 'turned off by CALLHOOK_SRTP_CIPHER=javascript';
    return undefined;
  }
  if (process.versions.electron !== undefined) {
    failure = "Electron's crypto is BoringSSL, not the OpenSSL the module is compiled against";
    return undefined;
  }
  const require = createRequire(import.meta.url);
  try {
    const built = require('../build/callhook_srtp.json') as { node: string; openssl: string };
    if (built.openssl.split('.')[0] !== process.versions.openssl.split('.')[0]) {
      failure = `it was built against OpenSSL ${built.openssl} of Node ${built.node}, and this Node has OpenSSL ${process.versions.openssl}: build it again`;
      return undefined;
    }
    binding = require('../build/callhook_srtp.node') as SrtpOpenssl;
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    failure = message.includes('Cannot find module')
      ? "@callhook/srtp-openssl was not built (it needs a C compiler and Node's headers: see its README)"
      : `its module did not load: ${message}`;
  }
  return binding;
}

/** Why `loadSrtpOpenssl()` answered undefined; undefined when it loaded or was not called yet. */
export function srtpOpensslUnavailable(): string | undefined {
  return failure;
}

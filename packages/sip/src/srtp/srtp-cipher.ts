import { loadSrtpOpenssl, srtpOpensslUnavailable } from '@callhook/srtp-openssl';

/**
 * What encrypts and authenticates a transform's RTP packets: `openssl` (@callhook/srtp-openssl, one native
 * call per packet on the OpenSSL inside Node, where that module is built) or `javascript` (Node's AES
 * and a WebAssembly SHA-1 through `AesCmHmacSha1Cipher`). The same packets on the wire either way.
 */
export type SrtpCipher = 'openssl' | 'javascript';

/**
 * The cipher new transforms use and, for `javascript`, why the native module is not used (not built,
 * or CALLHOOK_SRTP_CIPHER=javascript). Loads the module on the first call; never throws.
 */
export function srtpCipher(): { cipher: SrtpCipher; why?: string } {
  return loadSrtpOpenssl() ? { cipher: 'openssl' } : { cipher: 'javascript', why: srtpOpensslUnavailable() ?? 'not loaded' };
}

import { SipError } from '../errors.js';

/**
 * Warning codes for SDP refusals (RFC 3261 §20.43): 302 incompatible transport protocol (RTP/SAVP vs
 * RTP/AVP, SRTP keys), 304 media type not available, 305 incompatible
 * media format, 399 miscellaneous (used for values out of range or syntax errors).
 */
export type SdpWarnCode = 302 | 304 | 305 | 399;

/** An SDP offer or answer we cannot use; `warnCode` goes into the Warning header of the 488. */
export class SdpError extends SipError {
  constructor(
    readonly warnCode: SdpWarnCode,
    message: string,
  ) {
    super('sdp_unacceptable', message);
    this.name = 'SdpError';
  }
}

/**
 * The value of a Warning header (RFC 3261 §25.1 `warning-value`) for a refusal: code, agent and the
 * reason as a quoted-string (quotes and backslashes escaped as quoted-pairs, control characters
 * replaced by spaces); the reason is cut at 200 characters.
 */
export function warningHeaderValue(code: number, agent: string, text: string): string {
  const clean = text
    .slice(0, 200)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/["\\]/g, (char) => `\\${char}`);
  return `${code} ${agent} "${clean}"`;
}

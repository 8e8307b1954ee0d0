import { SipError } from '../errors.js';
import { statelessResponse } from './stateless-response.js';

/** The header values a response must copy from its request (RFC 3261 §8.2.6.2), as received. */
export interface RequestEcho {
  /** Every Via header value, in order. */
  via: string[];
  from: string;
  to: string;
  callId: string;
  cseq: string;
}

/**
 * A request we cannot hand to the SIP stack but can still answer: its Via, From, To, Call-ID and
 * CSeq were readable. `reason` names the problem (a header field) and becomes the 400's reason phrase.
 */
export class MalformedRequestError extends SipError {
  constructor(
    reason: string,
    readonly method: string,
    readonly echo: RequestEcho,
  ) {
    super('malformed_message', reason);
    this.name = 'MalformedRequestError';
  }
}

/**
 * A stateless 400 Bad Request (RFC 3261 §21.4.1: the reason phrase identifies the syntax problem)
 * for a request we cannot process, built from its echoed headers; the same text goes into a
 * `Warning: 399` for peers that show warnings but not reason phrases. `toTag` is added to a To
 * without a tag (§8.2.6.2).
 */
export function badRequestResponse(echo: RequestEcho, reason: string, toTag: string): string {
  const phrase = reason.replace(/[^\x20-\x7e]/g, ' ').slice(0, 120);
  const warning = phrase.replace(/["\\]/g, (char) => `\\${char}`);
  return statelessResponse(echo, `SIP/2.0 400 ${phrase}`, [`Warning: 399 callhook "${warning}"`], toTag);
}

/** The reason sip.js's parser gives for refusing a message ("error parsing header 'From'"), in RFC 3261 words. */
export function parserComplaint(logged: string[]): string {
  for (const line of logged) {
    const header = /error parsing header '([^']{1,60})'/.exec(line)?.[1];
    if (header) return `Malformed ${header} header field`;
    if (line.startsWith('error parsing first line')) return 'Malformed Request-Line';
  }
  return 'Malformed message';
}

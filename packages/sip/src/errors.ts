export type SipErrorCode = 'malformed_message' | 'oversize_message' | 'no_route' | 'transport_closed' | 'sdp_unacceptable';

/** Errors raised inside the SIP package; the line turns them into core's `line_error` where a caller sees them. */
export class SipError extends Error {
  constructor(
    readonly code: SipErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SipError';
  }
}

export type SipErrorCode =
  'malformed_message' | 'oversize_message' | 'no_route' | 'transport_closed' | 'sdp_unacceptable' | 'tls_settings' | 'tls_certificate' | 'tls_handshake';

import { ExpectedError } from '@callhook/core';

/**
 * Errors raised inside the SIP package; the line turns them into core's `line_error` where a caller
 * sees them. Stackless like core's: malformed datagrams from anyone must not each capture a stack.
 */
export class SipError extends ExpectedError {
  constructor(
    readonly code: SipErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SipError';
  }
}

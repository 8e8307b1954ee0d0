import type { EndCause } from '@callhook/core';

/** Maps the final response to an INVITE we sent onto the line's end causes. */
export function causeOfFailure(statusCode: number): EndCause {
  if (statusCode === 486 || statusCode === 600) return 'busy';
  if (statusCode === 603 || statusCode === 403) return 'rejected';
  if (statusCode === 408 || statusCode === 480) return 'no_answer';
  if (statusCode >= 300 && statusCode < 400) return 'forwarded';
  return 'failed';
}

/** sip.js answers a timeout (408) or transport error (503) itself, with a response without headers. */
export function isLocalResponse(message: { hasHeader(name: string): boolean }): boolean {
  return !message.hasHeader('via');
}

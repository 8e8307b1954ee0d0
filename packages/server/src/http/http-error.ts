import { ExpectedError } from '@callhook/core';

/** Refusals that come from the server itself rather than from core (gate, limits, routing). */
export type ServerErrorCode =
  | 'unauthorized'
  | 'source_not_allowed'
  | 'origin_not_allowed'
  | 'host_not_allowed'
  | 'rate_limited'
  | 'not_found'
  | 'not_simulated'
  | 'payload_too_large'
  | 'too_many_subscribers'
  | 'internal_error';

export const SERVER_ERROR_STATUS: Record<ServerErrorCode, number> = {
  unauthorized: 401,
  source_not_allowed: 403,
  origin_not_allowed: 403,
  host_not_allowed: 403,
  rate_limited: 429,
  not_found: 404,
  not_simulated: 409,
  payload_too_large: 413,
  too_many_subscribers: 503,
  internal_error: 500,
};

export class ServerError extends ExpectedError {
  constructor(
    readonly code: ServerErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ServerError';
  }

  get status(): number {
    return SERVER_ERROR_STATUS[this.code];
  }
}

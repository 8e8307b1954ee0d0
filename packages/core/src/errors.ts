/**
 * Every error core raises carries a stable `code`. Adapters map codes to HTTP statuses (server) and
 * exit codes (CLI) in one place each; core itself never prints and never exits.
 */
export type ErrorCode =
  | 'invalid_settings'
  | 'invalid_template'
  | 'invalid_transition'
  | 'bad_request'
  | 'unknown_action'
  | 'invalid_target'
  | 'action_disabled'
  | 'no_such_call'
  | 'ambiguous_call'
  | 'wrong_call_state'
  | 'duplicate_dial'
  | 'target_denied'
  | 'line_not_ready'
  | 'line_error';

export class CallhookError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'CallhookError';
  }
}

export function isCallhookError(value: unknown): value is CallhookError {
  return value instanceof CallhookError;
}

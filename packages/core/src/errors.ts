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
  | 'no_such_line'
  | 'line_error';

/**
 * An error that answers bad input (a malformed request, a refused command, a wrong setting) rather
 * than reporting a bug. It carries no stack trace: its message says everything, and capturing a
 * stack costs more than the request that caused it (a flood of bad requests would halve the
 * listener's throughput).
 */
export class ExpectedError extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

export class CallhookError extends ExpectedError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'CallhookError';
  }
}

/**
 * A refusal as a value: what a parser on a hot path returns instead of throwing. Answering a flood of
 * bad requests should not build and unwind an Error for each one; `toError()` gives the CallhookError
 * for callers that want to throw.
 */
export class Refusal {
  constructor(
    readonly code: ErrorCode,
    readonly message: string,
    readonly details?: Record<string, unknown>,
  ) {}

  toError(): CallhookError {
    return new CallhookError(this.code, this.message, this.details);
  }
}

export function isCallhookError(value: unknown): value is CallhookError {
  return value instanceof CallhookError;
}

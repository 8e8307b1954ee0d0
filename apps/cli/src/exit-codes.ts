import type { ErrorCode } from '@callhook/core';
import type { ServerErrorCode } from '@callhook/server';

/** Exit codes by error family; documented in `callhook --help`. */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  settings: 3,
  unreachable: 4,
  refused: 5,
  callState: 6,
  /** This machine cannot host the server as asked: the port is taken, --data is no writable directory. */
  environment: 7,
  /** `replay`: the request went out again and the receiver did not take it (HTTP error, timeout, network error). */
  deliveryFailed: 8,
} as const;

/** Codes the CLI raises itself (CliError); the rest are core's and the server's. */
type CliCode =
  | 'usage'
  | 'invalid_call'
  | 'file_exists'
  | 'unreachable'
  | 'unexpected_response'
  | 'port_in_use'
  | 'address_unavailable'
  | 'data_dir_unusable'
  | 'delivery_failed';

// Typed against core's and the server's code lists (types only: nothing is loaded), so a code added
// there without an exit code here fails the build instead of printing a stack trace.
const FAMILY: Record<ErrorCode | ServerErrorCode | CliCode, number> = {
  internal_error: EXIT.internal,
  usage: EXIT.usage,
  payload_too_large: EXIT.usage,
  bad_request: EXIT.usage,
  unknown_action: EXIT.usage,
  invalid_target: EXIT.usage,
  invalid_call: EXIT.usage,
  invalid_settings: EXIT.settings,
  invalid_template: EXIT.settings,
  // `config init` onto an existing file: the command line asks for something it must not do without --force.
  file_exists: EXIT.usage,
  unreachable: EXIT.unreachable,
  // Something answered at the URL, but not as the control API's contract says (another program or version).
  unexpected_response: EXIT.unreachable,
  unauthorized: EXIT.refused,
  source_not_allowed: EXIT.refused,
  origin_not_allowed: EXIT.refused,
  host_not_allowed: EXIT.refused,
  action_disabled: EXIT.refused,
  target_denied: EXIT.refused,
  not_found: EXIT.refused,
  no_such_call: EXIT.callState,
  no_such_line: EXIT.callState,
  wrong_call_state: EXIT.callState,
  ambiguous_call: EXIT.callState,
  duplicate_dial: EXIT.callState,
  rate_limited: EXIT.callState,
  too_many_subscribers: EXIT.callState,
  line_not_ready: EXIT.callState,
  line_error: EXIT.callState,
  not_simulated: EXIT.callState,
  invalid_transition: EXIT.callState,
  port_in_use: EXIT.environment,
  address_unavailable: EXIT.environment,
  data_dir_unusable: EXIT.environment,
  delivery_failed: EXIT.deliveryFailed,
};

/**
 * The code of a CallhookError (core) or CliError. Checked by shape, not class, so this module does
 * not load core (and zod) for commands that never touch it.
 */
export function errorCode(error: unknown): string {
  return knownCode(error) ?? 'internal_error';
}

/** An error with a code of the families above (a server's own internal_error included): its message is for the user, no stack. */
export function isKnownError(error: unknown): error is Error & { code: string } {
  return knownCode(error) !== null;
}

function knownCode(error: unknown): string | null {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && Object.hasOwn(FAMILY, code) ? code : null;
}

export function exitCodeFor(error: unknown): number {
  return FAMILY[errorCode(error) as keyof typeof FAMILY] ?? EXIT.internal;
}

export const EXIT_CODE_HELP = `
Exit codes:
  0 ok   1 internal error   2 usage or bad request   3 invalid settings or template
  4 instance unreachable   5 refused (token, source, origin, action off, target denied)
  6 call state (no such call, busy line, duplicate dial, rate limited, line not ready)
  7 cannot start here (port in use, listen address not on this host, --data not a writable directory)
  8 a replayed delivery failed (the receiver answered an HTTP error, timed out or could not be reached)`;

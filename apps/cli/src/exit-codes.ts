/** Exit codes by error family; documented in `callhook --help`. */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  settings: 3,
  unreachable: 4,
  refused: 5,
  callState: 6,
} as const;

const FAMILY: Record<string, number> = {
  usage: EXIT.usage,
  bad_request: EXIT.usage,
  unknown_action: EXIT.usage,
  invalid_target: EXIT.usage,
  invalid_call: EXIT.usage,
  invalid_settings: EXIT.settings,
  invalid_template: EXIT.settings,
  file_exists: EXIT.settings,
  unreachable: EXIT.unreachable,
  unauthorized: EXIT.refused,
  source_not_allowed: EXIT.refused,
  origin_not_allowed: EXIT.refused,
  action_disabled: EXIT.refused,
  target_denied: EXIT.refused,
  not_found: EXIT.refused,
  no_such_call: EXIT.callState,
  wrong_call_state: EXIT.callState,
  ambiguous_call: EXIT.callState,
  duplicate_dial: EXIT.callState,
  rate_limited: EXIT.callState,
  line_not_ready: EXIT.callState,
  line_error: EXIT.callState,
  not_simulated: EXIT.callState,
  invalid_transition: EXIT.callState,
};

/**
 * The code of a CallhookError (core) or CliError. Checked by shape, not class, so this module does
 * not load core (and zod) for commands that never touch it.
 */
export function errorCode(error: unknown): string {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code in FAMILY ? code : 'internal_error';
}

export function isKnownError(error: unknown): error is Error & { code: string } {
  return errorCode(error) !== 'internal_error';
}

export function exitCodeFor(error: unknown): number {
  return FAMILY[errorCode(error)] ?? EXIT.internal;
}

export const EXIT_CODE_HELP = `
Exit codes:
  0 ok   1 internal error   2 usage or bad request   3 invalid settings or template
  4 instance unreachable   5 refused (token, source, origin, action off, target denied)
  6 call state (no such call, busy line, duplicate dial, rate limited, line not ready)`;

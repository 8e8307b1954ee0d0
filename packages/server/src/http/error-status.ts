import type { ErrorCode } from '@callhook/core';

/** The one place core's error codes become HTTP statuses. */
export const CORE_ERROR_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unknown_action: 400,
  invalid_target: 400,
  invalid_settings: 400,
  invalid_template: 400,
  action_disabled: 403,
  target_denied: 403,
  no_such_call: 404,
  no_such_line: 404,
  wrong_call_state: 409,
  ambiguous_call: 409,
  duplicate_dial: 409,
  invalid_transition: 409,
  line_not_ready: 503,
  line_error: 502,
};

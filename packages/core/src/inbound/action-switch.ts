import { CallhookError } from '../errors.js';
import type { InboundAction, InboundSettings } from '../settings/settings-schema.js';

/**
 * The refusal of a command whose switch (`inbound.actions.<action>`) is off, or null when it is on.
 * Every inbound path (the HTTP listener, MQTT commands) asks this before the engine acts.
 */
export function disabledAction(inbound: Pick<InboundSettings, 'actions'>, action: InboundAction): CallhookError | null {
  if (inbound.actions[action]) return null;
  return new CallhookError('action_disabled', `the inbound action "${action}" is off; set inbound.actions.${action} to true`, { action });
}

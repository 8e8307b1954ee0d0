import { Refusal, type InboundAction, type Settings } from '@callhook/core';

/** The inbound action switches (`inbound.actions`, each off until enabled): a refusal when `action` is off. */
export function actionSwitchedOff(inbound: Settings['inbound'], action: InboundAction): Refusal | null {
  if (inbound.actions[action]) return null;
  return new Refusal('action_disabled', `the inbound action "${action}" is off; set inbound.actions.${action} to true`, { action });
}

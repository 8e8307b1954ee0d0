/** The five telephone actions of the spec. They are both the `<$action>` values and the slot triggers. */
export const ACTIONS = ['inbound', 'outbound', 'connected', 'hold', 'disconnected'] as const;
export type Action = (typeof ACTIONS)[number];

/** Labels of the spec's settings dialog. */
export const ACTION_LABELS: Record<Action, string> = {
  inbound: 'Incoming call',
  outbound: 'Outgoing call',
  connected: 'Connected call',
  hold: 'Hold call',
  disconnected: 'Hangup call',
};

export function isAction(value: string): value is Action {
  return (ACTIONS as readonly string[]).includes(value);
}

import type { CallSnapshot } from '@callhook/core';

/** A line's state as the retained `<prefix>/<line>/state` topic and the Home Assistant sensor show it. */
export const LINE_STATES = ['idle', 'ringing', 'connected', 'held'] as const;
export type LineStateName = (typeof LINE_STATES)[number];

/** The retained state message of one line (a public contract). */
export interface LineStateMessage {
  state: LineStateName;
  lineId: string;
  /** The call the state is about (see `lineState` for which one), or null when idle. */
  callGuid: string | null;
  direction: CallSnapshot['direction'] | null;
  remoteParty: string | null;
  remoteAlias: string | null;
  /** Active calls on the line (a held call and a ringing one: 2). */
  calls: number;
}

/** Which call a line's state is about when it has several: a connected one, else one ringing (or dialling), else a held one. */
const RANK: Record<CallSnapshot['state'], number> = { connected: 0, ringing: 1, dialing: 1, held: 2, ended: 3 };

function stateOf(call: CallSnapshot): LineStateName {
  if (call.state === 'connected') return 'connected';
  if (call.state === 'held') return 'held';
  return 'ringing'; // ringing (inbound) or dialing (outbound, not yet answered)
}

/** The state of line `lineId` from the engine's active calls (of all lines). */
export function lineState(lineId: string, activeCalls: readonly CallSnapshot[]): LineStateMessage {
  const calls = activeCalls.filter((call) => call.lineId === lineId && call.state !== 'ended');
  const shown = [...calls].sort((a, b) => RANK[a.state] - RANK[b.state])[0];
  if (!shown) return { state: 'idle', lineId, callGuid: null, direction: null, remoteParty: null, remoteAlias: null, calls: 0 };
  return {
    state: stateOf(shown),
    lineId,
    callGuid: shown.guid,
    direction: shown.direction,
    remoteParty: shown.remoteParty,
    remoteAlias: shown.remoteAlias,
    calls: calls.length,
  };
}

/** The retained `<prefix>/<line>/last_missed` message: the caller of the last missed call and when it ended. */
export interface LastMissedMessage {
  at: string;
  callGuid: string;
  remoteParty: string;
  remoteAlias: string;
}

/** The last-missed message of an ended call, or null when it was not missed. */
export function lastMissed(call: CallSnapshot): LastMissedMessage | null {
  if (call.disposition !== 'missed') return null;
  return { at: call.disconnectedAt ?? call.createdAt, callGuid: call.guid, remoteParty: call.remoteParty, remoteAlias: call.remoteAlias };
}

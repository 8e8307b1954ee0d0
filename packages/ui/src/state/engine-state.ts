import type { CallSnapshot, DeliveryRecord, EngineEvent, LineStatus } from '@callhook/core';
import type { CallLists, ConnectionState } from '../client/engine-client.js';

export const MAX_DELIVERIES = 200;
export const MAX_HISTORY = 100;

/** One line of the engine as the console shows it. */
export interface LineView {
  id: string;
  status: LineStatus;
}

export interface EngineState {
  /** The first line's status (the one the badge leads with). */
  line: LineStatus | null;
  /** Every line the live events reported, in the order they first did (the server sends the first line first). */
  lines: LineView[];
  connection: ConnectionState;
  active: CallSnapshot[];
  recent: CallSnapshot[];
  deliveries: DeliveryRecord[];
  /**
   * The engine answered 401: `missing` when the console sent no token, `wrong` when the one it sent
   * was refused; null while the engine accepts the console.
   */
  signIn: 'missing' | 'wrong' | null;
}

export type EngineStateAction =
  | { type: 'loaded-calls'; calls: CallLists }
  | { type: 'loaded-deliveries'; deliveries: DeliveryRecord[] }
  | { type: 'line'; status: LineStatus }
  /** Every line's status as the engine reported it on request (`GET /api/v1/lines`). */
  | { type: 'loaded-lines'; lines: LineView[] }
  | { type: 'connection'; state: ConnectionState }
  | { type: 'unauthorized'; hadToken: boolean }
  | { type: 'event'; event: EngineEvent };

export const initialEngineState: EngineState = { line: null, lines: [], connection: 'connecting', active: [], recent: [], deliveries: [], signIn: null };

const withoutCall = (calls: CallSnapshot[], guid: string) => calls.filter((c) => c.guid !== guid);

function applyCall(state: EngineState, call: CallSnapshot): EngineState {
  if (call.state === 'ended') {
    return { ...state, active: withoutCall(state.active, call.guid), recent: [call, ...withoutCall(state.recent, call.guid)].slice(0, MAX_HISTORY) };
  }
  const known = state.active.some((c) => c.guid === call.guid);
  return { ...state, active: known ? state.active.map((c) => (c.guid === call.guid ? call : c)) : [...state.active, call] };
}

const deliveryKey = (r: DeliveryRecord) => `${r.deliveryId}#${r.attempt}#${r.at}`;

/** Newest first, each attempt once, however it arrived (initial load or live event); at most `max`. */
export function mergeDeliveries(current: DeliveryRecord[], incoming: DeliveryRecord[], max = MAX_DELIVERIES): DeliveryRecord[] {
  const byKey = new Map(current.map((r) => [deliveryKey(r), r]));
  for (const record of incoming) byKey.set(deliveryKey(record), record);
  return [...byKey.values()].sort((a, b) => b.at - a.at || b.attempt - a.attempt).slice(0, max);
}

export function engineReducer(state: EngineState, action: EngineStateAction): EngineState {
  switch (action.type) {
    case 'loaded-calls':
      return { ...state, active: action.calls.active, recent: action.calls.recent.slice(0, MAX_HISTORY) };
    case 'loaded-deliveries':
      return { ...state, deliveries: mergeDeliveries(state.deliveries, action.deliveries) };
    case 'line':
      return { ...state, line: action.status };
    case 'loaded-lines': {
      // A live event already seen for a line is at least as new as the answer: it wins.
      const lines = action.lines.map((loaded) => state.lines.find((l) => l.id === loaded.id) ?? loaded);
      return { ...state, lines, line: lines[0]?.status ?? state.line };
    }
    case 'connection':
      return { ...state, connection: action.state };
    case 'unauthorized':
      return { ...state, signIn: action.hadToken ? 'wrong' : 'missing' };
    case 'event': {
      const { event } = action;
      if (event.type === 'line') {
        const known = state.lines.some((l) => l.id === event.lineId);
        const lines = known
          ? state.lines.map((l) => (l.id === event.lineId ? { id: l.id, status: event.status } : l))
          : [...state.lines, { id: event.lineId, status: event.status }];
        return { ...state, lines, line: lines[0]!.status };
      }
      if (event.type === 'delivery') return { ...state, deliveries: mergeDeliveries(state.deliveries, [event.record]) };
      // A live call's new figures: never bring back a call the console already has as ended.
      if (event.type === 'quality' && state.recent.some((c) => c.guid === event.call.guid)) return state;
      return applyCall(state, event.call);
    }
  }
}

/**
 * The call model: one pure state machine per call.
 *
 *                 incoming                    answered               held
 *   (new) ───────────────────────► ringing ───────────► connected ◄─────────► held
 *   (new) ──► dialing ──alerting──► ringing               │        resumed     │
 *   outgoing     │ answered ──────────────────────────────►│                    │
 *                │                    │ ended               │ ended              │ ended
 *                └─── ended ──────────┴──────────► ended ◄──┴────────────────────┘
 *
 * `transition` never reads a clock: every event carries the time it happened (`at`, epoch ms), taken
 * from the `Clock` port by the caller. Effects tell the caller which spec action to fire.
 * `quality` (live media figures while connected or held) updates the state in place: no phase change,
 * no effect.
 */
import type { Action } from '../actions.js';
import { CallhookError } from '../errors.js';
import type { CallMedia, EndCause, Party } from '../line/line-events.js';
import type { CallDirection, CallQuality, CallStateName, Disposition } from './snapshot.js';

export interface CallState {
  guid: string;
  /** The line the call is on. */
  lineId: string;
  direction: CallDirection;
  phase: CallStateName;
  localParty: string;
  localName: string | null;
  remoteParty: string;
  remoteName: string | null;
  createdAt: number;
  connectedAt: number | null;
  disconnectedAt: number | null;
  heldBy: Party | null;
  disposition: Disposition | null;
  endDetail: string | null;
  /**
   * Media quality (softphone mode): live figures from the line's `quality` events while the call is
   * connected or held, then the final figures reported with `ended` (null until the first report).
   */
  quality: CallQuality | null;
  recorded: boolean;
}

export type CallInput =
  | { type: 'alerting'; at: number }
  | { type: 'answered'; at: number }
  | { type: 'held'; at: number; by: Party }
  | { type: 'resumed'; at: number; by: Party }
  | { type: 'ended'; at: number; by: Party; cause: EndCause; detail?: string; media?: CallMedia }
  /** Live media figures of a connected or held call (line event `quality`); changes no phase, fires nothing. */
  | { type: 'quality'; at: number; quality: CallQuality };

export interface CallEffect {
  type: 'fire';
  action: Action;
}

export interface Transition {
  state: CallState;
  effects: CallEffect[];
}

export class InvalidTransitionError extends CallhookError {
  constructor(
    readonly from: CallStateName,
    readonly to: CallInput['type'],
    guid: string,
  ) {
    super('invalid_transition', `call ${guid}: cannot apply "${to}" in state "${from}"`, { from, to, guid });
    this.name = 'InvalidTransitionError';
  }
}

export interface NewCall {
  guid: string;
  lineId: string;
  direction: CallDirection;
  at: number;
  localParty: string;
  localName?: string | null;
  remoteParty: string;
  remoteName?: string | null;
}

/** Creates a call: inbound calls start ringing, outbound calls start dialing. */
export function createCall(call: NewCall): Transition {
  const state: CallState = {
    guid: call.guid,
    lineId: call.lineId,
    direction: call.direction,
    phase: call.direction === 'inbound' ? 'ringing' : 'dialing',
    localParty: call.localParty,
    localName: call.localName ?? null,
    remoteParty: call.remoteParty,
    remoteName: call.remoteName ?? null,
    createdAt: call.at,
    connectedAt: null,
    disconnectedAt: null,
    heldBy: null,
    disposition: null,
    endDetail: null,
    quality: null,
    recorded: false,
  };
  return { state, effects: [fire(call.direction)] };
}

export function transition(state: CallState, input: CallInput): Transition {
  const reject = (): never => {
    throw new InvalidTransitionError(state.phase, input.type, state.guid);
  };
  switch (input.type) {
    case 'alerting':
      if (state.phase === 'ringing' && state.direction === 'outbound') return { state, effects: [] };
      if (state.phase !== 'dialing') return reject();
      return { state: { ...state, phase: 'ringing' }, effects: [] };
    case 'answered':
      if (state.phase !== 'dialing' && state.phase !== 'ringing') return reject();
      return { state: { ...state, phase: 'connected', connectedAt: input.at }, effects: [fire('connected')] };
    case 'held':
      if (state.phase !== 'connected') return reject();
      return { state: { ...state, phase: 'held', heldBy: input.by }, effects: [fire('hold')] };
    case 'resumed':
      if (state.phase !== 'held') return reject();
      return { state: { ...state, phase: 'connected', heldBy: null }, effects: [fire('hold')] };
    case 'quality':
      // Not a call-state change (no spec action has it): the snapshot carries the figures, no Action URL fires.
      if (state.phase !== 'connected' && state.phase !== 'held') return reject();
      return { state: { ...state, quality: input.quality }, effects: [] };
    case 'ended':
      if (state.phase === 'ended') return reject();
      return {
        state: {
          ...state,
          phase: 'ended',
          heldBy: null,
          disconnectedAt: input.at,
          disposition: dispositionOf(state, input.by, input.cause),
          endDetail: input.detail ?? null,
          quality: input.media?.quality ?? state.quality,
          recorded: input.media?.recorded ?? state.recorded,
        },
        effects: [fire('disconnected')],
      };
  }
}

/**
 * How an ended call is filed (see `DISPOSITIONS`). A connected call was answered, or transferred
 * when it ended by a transfer; otherwise the cause and who ended it decide: an inbound call the
 * caller gave up on is missed, one another device took is answered elsewhere, one we turned down is
 * rejected, an outbound call we gave up on is cancelled, one redirected before answer is forwarded.
 */
export function dispositionOf(state: CallState, by: Party, cause: EndCause): Disposition {
  if (state.connectedAt !== null) return cause === 'transferred' ? 'transferred' : 'answered';
  switch (cause) {
    case 'answered_elsewhere':
      return 'answered_elsewhere';
    case 'forwarded':
      return 'forwarded';
    case 'busy':
      return 'busy';
    case 'rejected':
      return 'rejected';
    case 'failed':
      return 'failed';
    case 'no_answer':
      return state.direction === 'inbound' ? 'missed' : 'cancelled';
    case 'normal':
    case 'transferred':
      if (state.direction === 'inbound') return by === 'remote' ? 'missed' : 'rejected';
      return by === 'local' ? 'cancelled' : 'rejected';
  }
}

function fire(action: Action): CallEffect {
  return { type: 'fire', action };
}

import { createCall, transition, type CallInput, type CallState, type NewCall, type Transition } from '../call/call-state.js';

/** Where an active call lives: its line and the line's own id of it. */
export interface LineCall {
  lineId: string;
  lineCallId: string;
}

const keyOf = (lineId: string, lineCallId: string): string => `${lineId}\u0000${lineCallId}`;

/**
 * All calls the engine knows, keyed by GUID (unique across lines): the active ones and a bounded
 * history of ended ones. It also maps each line's own call ids to GUIDs (two lines may use the same
 * call id).
 */
export class CallBook {
  private readonly active = new Map<string, CallState>();
  /**
   * Ended calls by GUID, oldest first (a Map keeps insertion order), at most `historyLimit`: every
   * new call asks `get` for its GUID, which a list of the ended calls answered by scanning all of
   * them (and `unshift` moved them all), ~3 % of the pipeline's CPU per call (bench pipelinecpu).
   */
  private readonly ended = new Map<string, CallState>();
  private readonly guidByLineCall = new Map<string, string>();
  private readonly lineCallByGuid = new Map<string, LineCall>();

  constructor(private readonly historyLimit = 200) {}

  /** Whether the line already reported this call (a duplicate `incoming`/`outgoing`). */
  has(lineId: string, lineCallId: string): boolean {
    return this.guidByLineCall.has(keyOf(lineId, lineCallId));
  }

  create(lineCallId: string, call: NewCall): Transition {
    const result = createCall(call);
    this.active.set(call.guid, result.state);
    this.guidByLineCall.set(keyOf(call.lineId, lineCallId), call.guid);
    this.lineCallByGuid.set(call.guid, { lineId: call.lineId, lineCallId });
    return result;
  }

  /** Applies a line event to the call it belongs to; undefined if the line's call id is unknown. */
  apply(lineId: string, lineCallId: string, input: CallInput): Transition | undefined {
    const key = keyOf(lineId, lineCallId);
    const guid = this.guidByLineCall.get(key);
    const state = guid === undefined ? undefined : this.active.get(guid);
    if (guid === undefined || state === undefined) return undefined;
    const result = transition(state, input);
    if (result.state.phase === 'ended') {
      this.active.delete(guid);
      this.guidByLineCall.delete(key);
      this.lineCallByGuid.delete(guid);
      this.ended.delete(guid);
      this.ended.set(guid, result.state);
      if (this.ended.size > this.historyLimit) this.ended.delete(this.ended.keys().next().value!);
    } else {
      this.active.set(guid, result.state);
    }
    return result;
  }

  get(guid: string): CallState | undefined {
    return this.active.get(guid) ?? this.ended.get(guid);
  }

  /** The line and line call id of an active call. */
  lineCallOf(guid: string): LineCall | undefined {
    return this.lineCallByGuid.get(guid);
  }

  guidOf(lineId: string, lineCallId: string): string | undefined {
    return this.guidByLineCall.get(keyOf(lineId, lineCallId));
  }

  activeCalls(): CallState[] {
    return [...this.active.values()];
  }

  /** Ended calls, newest first. */
  recentCalls(): CallState[] {
    return [...this.ended.values()].reverse();
  }
}

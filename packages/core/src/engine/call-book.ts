import { createCall, transition, type CallInput, type CallState, type NewCall, type Transition } from '../call/call-state.js';

/**
 * All calls the engine knows, keyed by GUID: the active ones and a bounded history of ended ones.
 * It also maps the line's own call ids to GUIDs.
 */
export class CallBook {
  private readonly active = new Map<string, CallState>();
  private readonly ended: CallState[] = [];
  private readonly guidByLineId = new Map<string, string>();
  private readonly lineIdByGuid = new Map<string, string>();

  constructor(private readonly historyLimit = 200) {}

  create(lineCallId: string, call: NewCall): Transition {
    const result = createCall(call);
    this.active.set(call.guid, result.state);
    this.guidByLineId.set(lineCallId, call.guid);
    this.lineIdByGuid.set(call.guid, lineCallId);
    return result;
  }

  /** Applies a line event to the call it belongs to; undefined if the line id is unknown. */
  apply(lineCallId: string, input: CallInput): Transition | undefined {
    const guid = this.guidByLineId.get(lineCallId);
    const state = guid === undefined ? undefined : this.active.get(guid);
    if (guid === undefined || state === undefined) return undefined;
    const result = transition(state, input);
    if (result.state.phase === 'ended') {
      this.active.delete(guid);
      this.guidByLineId.delete(lineCallId);
      this.lineIdByGuid.delete(guid);
      this.ended.unshift(result.state);
      if (this.ended.length > this.historyLimit) this.ended.pop();
    } else {
      this.active.set(guid, result.state);
    }
    return result;
  }

  get(guid: string): CallState | undefined {
    return this.active.get(guid) ?? this.ended.find((call) => call.guid === guid);
  }

  lineIdOf(guid: string): string | undefined {
    return this.lineIdByGuid.get(guid);
  }

  guidOf(lineCallId: string): string | undefined {
    return this.guidByLineId.get(lineCallId);
  }

  activeCalls(): CallState[] {
    return [...this.active.values()];
  }

  recentCalls(): CallState[] {
    return [...this.ended];
  }
}

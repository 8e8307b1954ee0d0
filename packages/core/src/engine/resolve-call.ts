import type { CallState } from '../call/call-state.js';
import type { CallStateName } from '../call/snapshot.js';
import { CallhookError } from '../errors.js';
import type { InboundCommand } from '../inbound/inbound-command.js';

type CallCommand = Exclude<InboundCommand, { action: 'make_call' }>;

const APPLIES_IN: Record<CallCommand['action'], readonly CallStateName[]> = {
  answer: ['ringing'],
  hangup: ['dialing', 'ringing', 'connected', 'held'],
  hold: ['connected'],
  unhold: ['held'],
  transfer: ['connected', 'held'],
  dtmf: ['connected'],
};

/**
 * The call a command is for: the one named by `call`, or else the only active call it can apply to.
 * None is `no_such_call`, several are `ambiguous_call`, a call in the wrong state is `wrong_call_state`.
 */
export function resolveCall(command: CallCommand, active: CallState[], lookup: (guid: string) => CallState | undefined): CallState {
  const states = APPLIES_IN[command.action];
  const fits = (call: CallState): boolean => states.includes(call.phase) && (command.action !== 'answer' || call.direction === 'inbound');
  if (command.call !== null) {
    const call = lookup(command.call);
    if (!call) throw new CallhookError('no_such_call', `no call ${command.call}`, { call: command.call });
    if (!fits(call)) {
      throw new CallhookError('wrong_call_state', `${command.action} needs a call that is ${states.join(' or ')}; call ${call.guid} is ${call.phase}`, {
        call: call.guid,
        state: call.phase,
      });
    }
    return call;
  }
  const candidates = active.filter(fits);
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length > 1) {
    const lines = [...new Set(candidates.map((c) => c.lineId))];
    const where = lines.length > 1 ? ` on lines ${lines.join(', ')}; name one with call=<guid> or line=<id>` : '; name one with call=<guid>';
    throw new CallhookError('ambiguous_call', `${candidates.length} calls could take ${command.action}${where}`, {
      calls: candidates.map((c) => c.guid),
      candidates: candidates.map((c) => ({ call: c.guid, line: c.lineId })),
    });
  }
  if (active.length > 0) {
    // Say what the calls are doing instead, so "hold" right after "dial" reads as "wait": the call is still ringing.
    const now = active.length === 1 ? `call ${active[0]!.guid} is ${active[0]!.phase}` : `the active calls are ${active.map((c) => c.phase).join(', ')}`;
    throw new CallhookError('wrong_call_state', `${command.action} needs a call that is ${states.join(' or ')}; ${now}`, {
      states: active.map((c) => c.phase),
    });
  }
  throw new CallhookError('no_such_call', `no active call for ${command.action}`);
}

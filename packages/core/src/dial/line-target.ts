import { CallhookError, Refusal } from '../errors.js';
import { readDialTarget, remotePartyOf, type DialTarget } from './dial-target.js';

/**
 * What a line makes of the target of a `make_call` or `transfer` command: the normalised target and
 * the remote party it reports for it (`remotePartyOf`), so every line reports the same party for the
 * same target. Throws `invalid_target` for a bad target, and for postdial DTMF, which the engine sends
 * once the call is connected (a line is only ever given what is dialled).
 */
export function readLineTarget(target: string): { target: DialTarget; remoteParty: string } {
  const read = readDialTarget(target);
  if (read instanceof Refusal) throw read.toError();
  if (read.postdial !== '') {
    throw new CallhookError(
      'invalid_target',
      `target "${target}" has postdial DTMF (${read.postdial}); lines dial the number only, the engine sends the DTMF once connected`,
      { field: 'target' },
    );
  }
  return { target: read, remoteParty: remotePartyOf(read) };
}

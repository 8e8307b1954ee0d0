import type { CstaEvent } from '@callhook/sip';
import type { PhoneEvent } from '../driver.js';
import { partyOf } from '../events/parse-event.js';

/**
 * Maps one uaCSTA call event (ECMA-269 call control events as ECMA-323 XML) to the line's
 * vendor-neutral event, or null for events the line does not need (ServiceInitiated: off-hook before
 * a number is known). `isUs` tells whether a device id is the monitored phone.
 *
 * - Delivered at the phone (alertingDevice = us) → `incoming` from the calling device; Delivered at
 *   another device → `outgoing` to it (the far end rings). Originated → `outgoing`.
 * - Established → `connected`; Held → `hold`; Retrieved → `unhold`.
 * - ConnectionCleared released by the phone → `rejected` (the line reads it as ended by the local
 *   side: a reject while ringing, a hangup when answered); released by anyone else → `disconnected`.
 * - Failed (busy, unreachable) → `disconnected` by the far end.
 * The call id (ECMA-323 `callID`, negative on Snom) is kept as an opaque string.
 */
export function phoneEventOf(event: CstaEvent, isUs: (device: string | undefined) => boolean): PhoneEvent | null {
  const other = (...devices: (string | undefined)[]) => partyOf(devices.find((device) => device !== undefined && !isUs(device)) ?? null);
  const base = { phoneCallId: event.connection.callId, remoteName: null };
  switch (event.type) {
    case 'Delivered':
      return isUs(event.subjectDevice)
        ? { ...base, kind: 'incoming', remoteParty: other(event.callingDevice) }
        : { ...base, kind: 'outgoing', remoteParty: other(event.calledDevice, event.subjectDevice) };
    case 'Originated':
      return { ...base, kind: 'outgoing', remoteParty: other(event.calledDevice) };
    case 'Established':
      return { ...base, kind: 'connected', remoteParty: other(event.callingDevice, event.calledDevice, event.subjectDevice) };
    case 'Held':
      return { ...base, kind: 'hold', remoteParty: null };
    case 'Retrieved':
      return { ...base, kind: 'unhold', remoteParty: null };
    case 'ConnectionCleared':
      return { ...base, kind: isUs(event.subjectDevice) ? 'rejected' : 'disconnected', remoteParty: null };
    case 'Failed':
      return { ...base, kind: 'disconnected', remoteParty: null };
    case 'ServiceInitiated':
      return null;
  }
}

/** A predicate for "this device is the phone": its SIP user part is one of `users` (case-insensitive). */
export function deviceMatcher(...users: string[]): (device: string | undefined) => boolean {
  const ours = new Set(users.map((user) => user.toLowerCase()));
  return (device) => {
    const user = partyOf(device ?? null);
    return user !== null && ours.has(user.toLowerCase());
  };
}

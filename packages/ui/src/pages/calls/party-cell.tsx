import type { CallSnapshot } from '@callhook/core';
import { callerName } from './call-format.js';

/** The other party as a name with the number beside it (`Anna Schmidt 420`), or the number alone. */
export function PartyCell({ call }: { call: CallSnapshot }) {
  const name = callerName(call);
  return (
    <td data-label="Remote party">
      {name ? (
        <>
          {name} <span className="muted">{call.remoteParty}</span>
        </>
      ) : (
        call.remoteParty
      )}
    </td>
  );
}

import type { Core } from 'sip.js';
import { causeOfFailure, isLocalResponse } from './end-cause.js';
import type { SipCall } from './sip-call.js';

/** What the INVITE we sent tells the call: 180/183 → alerting; a final failure → why it ended. */
export function outgoingInviteDelegate(call: SipCall): Core.OutgoingRequestDelegate {
  return {
    onProgress: (response) => {
      if (response.message.statusCode === 180 || response.message.statusCode === 183) call.alerting();
    },
    onReject: (response) => {
      const statusCode = response.message.statusCode ?? 0;
      const reasonPhrase = response.message.reasonPhrase ?? '';
      call.endReason ??= isLocalResponse(response.message)
        ? { by: 'local', cause: 'failed', detail: statusCode === 408 ? 'no response' : 'cannot reach the peer' }
        : { by: 'remote', cause: causeOfFailure(statusCode), detail: `${statusCode} ${reasonPhrase}` };
    },
  };
}

import type { LineEvent, Logger } from '@callhook/core';
import type { SipLineSettings } from '../settings/sip-line-schema.js';
import type { Invitation } from 'sip.js';
import { answer } from './call-actions.js';
import { warningHeaderValue } from '../sdp/sdp-error.js';
import { unacceptableOffer } from './offer-check.js';
import { cancelCause, parseReason } from './reason-header.js';
import { remoteIdentity } from './remote-identity.js';
import type { SipCall } from './sip-call.js';

export interface IncomingContext {
  settings: SipLineSettings;
  logger: Logger;
  emit(event: LineEvent): void;
  /** Creates and tracks the call for an invitation we take. */
  track(invitation: Invitation): SipCall;
  /** A new line call id (for a call refused at once). */
  newCallId(): string;
}

/**
 * An INVITE arrived: refuse an unusable offer with 488 and a Warning (RFC 3261 §21.4.26, §20.43), else
 * announce the call and ring or auto-answer. An offer refused for `line.media.encryption` (warn-code 302:
 * no usable SRTP key, or SRTP where the line has none) is still a call: `incoming` then `ended` (failed,
 * the detail saying why), so the call list shows who called without the encryption the line needs.
 */
export function receiveInvitation(invitation: Invitation, context: IncomingContext): void {
  const unacceptable = unacceptableOffer(invitation.request, context.settings.media);
  if (unacceptable) {
    context.logger.log('warn', 'refused a call with an unusable SDP offer (488)', { reason: unacceptable.reason });
    const warning = `Warning: ${warningHeaderValue(unacceptable.warnCode, 'callhook', unacceptable.reason)}`;
    void invitation.reject({ statusCode: 488, extraHeaders: [warning] }).catch(() => undefined);
    if (unacceptable.warnCode === 302) {
      const lineCallId = context.newCallId();
      const caller = remoteIdentity(invitation.request);
      context.emit({
        type: 'incoming',
        lineCallId,
        remoteParty: caller.party,
        remoteName: caller.name,
        localParty: context.settings.aor,
        localName: context.settings.displayName ?? null,
      });
      context.emit({ type: 'ended', lineCallId, by: 'local', cause: 'failed', detail: `488 Not Acceptable Here: ${unacceptable.reason}` });
    }
    return;
  }
  const call = context.track(invitation);
  invitation.delegate = {
    onBye: (bye) => {
      call.endReason ??= { by: 'remote', cause: 'normal' };
      void bye.accept(); // setting onBye replaces sip.js's own accept (docs/sip-in-node.md §2)
    },
    onCancel: (cancel) => {
      call.endReason ??= { by: 'remote', ...cancelCause(parseReason(cancel.request.getHeaders('reason'))) };
    },
    onAck: () => call.sdh?.confirmDialog(),
    onInfo: (info) => void info.accept(),
    onRefer: (referral) => void referral.reject(),
  };
  const caller = remoteIdentity(invitation.request);
  context.emit({
    type: 'incoming',
    lineCallId: call.id,
    remoteParty: caller.party,
    remoteName: caller.name,
    localParty: context.settings.aor,
    localName: context.settings.displayName ?? null,
  });
  if (context.settings.autoAnswer) void answer(call).catch((error: Error) => context.logger.log('error', 'auto-answer failed', { error: error.message }));
  else void invitation.progress().catch((error: Error) => context.logger.log('debug', '180 failed', { error: error.message }));
}

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
}

/** An INVITE arrived: refuse an unusable offer, else announce the call and ring or auto-answer. */
export function receiveInvitation(invitation: Invitation, context: IncomingContext): void {
  const unacceptable = unacceptableOffer(invitation.request);
  if (unacceptable) {
    context.logger.log('warn', 'refused a call with an unusable SDP offer (488)', { reason: unacceptable.reason });
    const warning = `Warning: ${warningHeaderValue(unacceptable.warnCode, 'callhook', unacceptable.reason)}`;
    void invitation.reject({ statusCode: 488, extraHeaders: [warning] }).catch(() => undefined);
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

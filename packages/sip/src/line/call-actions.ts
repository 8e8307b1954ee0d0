import { CallhookError, type Clock, type Random } from '@callhook/core';
import { Invitation, Inviter, SessionState, type URI } from 'sip.js';
import { isDtmfDigits } from '../rtp/dtmf-schedule.js';
import type { PlainSessionDescriptionHandler } from '../sdp/plain-sdh.js';
import { warningHeaderValue } from '../sdp/sdp-error.js';
import { randomInteger } from '../random-draws.js';
import { delay } from './with-timeout.js';
import type { EndReason, SipCall } from './sip-call.js';

const BYE_WAIT_MS = 1_000;

/** Time and randomness of the line (core's ports), for waits and retry jitter. */
export interface CallPorts {
  clock: Clock;
  random: Random;
}

/** Answers a ringing inbound call: opens its RTP port first, and refuses with 503 when none can be opened. */
export async function answer(call: SipCall): Promise<void> {
  if (!(call.session instanceof Invitation) || call.phase !== 'ringing') throw new CallhookError('wrong_call_state', `call ${call.id} is not ringing inbound`);
  call.endReason = { by: 'local', cause: 'failed', detail: 'answer failed' };
  try {
    await mediaHandlerOf(call.session).prepare();
  } catch (error) {
    // No RTP port (EMFILE, ENFILE…): refuse with 503 rather than promise media we cannot carry.
    const why = `cannot open an RTP port: ${(error as Error).message}`;
    call.endReason = { by: 'local', cause: 'failed', detail: why };
    await call.session.reject({ statusCode: 503, extraHeaders: ['Retry-After: 30', `Warning: ${warningHeaderValue(399, 'callhook', why)}`] });
    throw new CallhookError('line_error', why);
  }
  await call.session.accept();
}

/**
 * The session's PlainSessionDescriptionHandler, created now if sip.js has not yet (it would in
 * `accept()`); uses sip.js 0.21's protected `setupSessionDescriptionHandler`, which returns the one handler.
 */
function mediaHandlerOf(session: Invitation): PlainSessionDescriptionHandler {
  return (session as unknown as { setupSessionDescriptionHandler(): PlainSessionDescriptionHandler }).setupSessionDescriptionHandler();
}

/**
 * Ends a call the way its state requires: reject, CANCEL or BYE. `reason` replaces the default end
 * reason of a connected call (local, normal), e.g. when the line ends a dead call. With
 * `awaitByeAnswerMs` (the line stopping) a BYE is also waited for until the peer answers it, at most
 * that long: sip.js resolves `bye()` when the request is handed to the transport, and the line must not
 * close its socket (and end the transaction's retransmissions) before the BYE has gone out and arrived.
 */
export async function hangup(call: SipCall, ports: CallPorts, reason?: EndReason, options: { awaitByeAnswerMs?: number } = {}): Promise<void> {
  const { session } = call;
  if (session.state === SessionState.Established) {
    call.endReason = reason ?? { by: 'local', cause: 'normal' };
    let answered: () => void = () => undefined;
    const final = new Promise<void>((resolve) => (answered = resolve));
    const sent = session.bye({ requestDelegate: { onAccept: () => answered(), onReject: () => answered() } });
    // As callee before the ACK arrives, sip.js holds the BYE until the ACK (up to 32 s): do not wait.
    await Promise.race([sent, delay(ports.clock, BYE_WAIT_MS)]);
    if (options.awaitByeAnswerMs !== undefined) await within(ports.clock, final, options.awaitByeAnswerMs);
  } else if (session instanceof Invitation) {
    call.endReason = { by: 'local', cause: 'rejected' };
    await session.reject({ statusCode: 603 });
  } else if (session instanceof Inviter) {
    call.endReason = { by: 'local', cause: 'normal' };
    await session.cancel();
  }
}

/** Waits for `work` at most `ms` on `clock`, leaving no timer behind. */
function within(clock: Clock, work: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(resolve, ms);
    void work.then(() => {
      clock.clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Re-INVITE with a sendonly (hold) or sendrecv offer. While another re-INVITE is under way (ours, or the
 * peer's still waiting for its ACK) or the peer answers 491, try again shortly (RFC 3261 §14.1), a bounded number of times.
 */
export async function setHold(call: SipCall, hold: boolean, ports: CallPorts): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    requireConnected(call);
    const outcome = await reinvite(call, hold);
    if (outcome === 'done') return;
    if (attempt >= REINVITE_ATTEMPTS) throw new CallhookError('line_error', `${hold ? 'hold' : 'unhold'} failed: ${outcome}`);
    await delay(ports.clock, 50 + randomInteger(ports.random, 0, 150 * attempt + 1));
  }
}

const REINVITE_ATTEMPTS = 8;

/** One re-INVITE attempt: 'done', or why it should be retried; other failures throw. */
function reinvite(call: SipCall, hold: boolean): Promise<'done' | string> {
  return new Promise((resolve, reject) => {
    call.session
      .invite({
        sessionDescriptionHandlerOptions: { hold } as object,
        requestDelegate: {
          onAccept: () => {
            call.holdChanged('local', hold);
            resolve('done');
          },
          onReject: (response) => {
            const status = response.message.statusCode;
            if (status === 491) resolve('491 Request Pending');
            else reject(new CallhookError('line_error', `${hold ? 'hold' : 'unhold'} refused: ${status}`));
          },
        },
      })
      .catch((error: Error) => {
        if (error.name === 'RequestPendingError' || /re-INVITE/i.test(error.message)) resolve(error.message);
        else reject(new CallhookError('line_error', `${hold ? 'hold' : 'unhold'} failed: ${error.message}`));
      });
  });
}

/** Blind transfer: REFER, and once the peer accepts it, leave the call. */
export async function blindTransfer(call: SipCall, target: URI): Promise<void> {
  requireConnected(call);
  await new Promise<void>((resolve, reject) => {
    call.session
      .refer(target, {
        requestDelegate: {
          onAccept: () => {
            call.endReason = { by: 'local', cause: 'transferred' };
            call.session.bye().then(() => resolve(), reject);
          },
          onReject: (response) => reject(new CallhookError('line_error', `transfer refused: ${response.message.statusCode}`)),
        },
      })
      .catch((error: Error) => reject(new CallhookError('line_error', `transfer failed: ${error.message}`)));
  });
}

/** RFC 4733 events when negotiated, else one SIP INFO (application/dtmf-relay) per digit. */
export async function sendDtmf(call: SipCall, digits: string): Promise<void> {
  if (!isDtmfDigits(digits)) throw new CallhookError('bad_request', `DTMF digits are 0-9, *, # and A-D, not "${digits}"`);
  requireConnected(call);
  if (call.sdh?.sendDtmf(digits)) return;
  // One INFO at a time: the next digit goes once the peer has answered the previous one.
  for (const digit of digits) {
    await new Promise<void>((resolve, reject) => {
      call.session
        .info({
          requestDelegate: {
            onAccept: () => resolve(),
            onReject: (response) => reject(new CallhookError('line_error', `DTMF INFO refused: ${response.message.statusCode}`)),
          },
          requestOptions: { body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content: `Signal=${digit}\r\nDuration=160\r\n` } },
        })
        .catch(reject);
    });
  }
}

function requireConnected(call: SipCall): void {
  if (call.phase !== 'connected' || call.session.state !== SessionState.Established) {
    throw new CallhookError('wrong_call_state', `call ${call.id} is not connected`);
  }
}

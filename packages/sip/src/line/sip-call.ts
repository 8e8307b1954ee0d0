import type { EndCause, LineEvent, Party } from '@callhook/core';
import { SessionState, type Session } from 'sip.js';
import type { PlainSessionDescriptionHandler } from '../sdp/plain-sdh.js';

export interface EndReason {
  by: Party;
  cause: EndCause;
  detail?: string;
}

type Phase = 'ringing' | 'connected' | 'ended';

/**
 * One SIP session seen as a line call: turns sip.js session state into line events exactly once
 * each, and remembers why a call is ending so `ended` carries the right party and cause.
 */
export class SipCall {
  phase: Phase = 'ringing';
  localHold = false;
  remoteHold = false;
  /** Set before an action that ends the call; otherwise the remote is taken to have ended it. */
  endReason: EndReason | undefined;
  private alerted = false;

  constructor(
    readonly id: string,
    readonly direction: 'in' | 'out',
    readonly session: Session,
    private readonly emit: (event: LineEvent) => void,
    private readonly onEnded: (call: SipCall) => void,
  ) {
    session.stateChange.addListener((state) => this.onState(state));
  }

  get sdh(): PlainSessionDescriptionHandler | undefined {
    return this.session.sessionDescriptionHandler as PlainSessionDescriptionHandler | undefined;
  }

  alerting(): void {
    if (this.alerted || this.phase !== 'ringing') return;
    this.alerted = true;
    this.emit({ type: 'alerting', lineCallId: this.id });
  }

  holdChanged(by: Party, held: boolean): void {
    if (this.phase !== 'connected') return;
    const flag = by === 'local' ? 'localHold' : 'remoteHold';
    if (this[flag] === held) return;
    this[flag] = held;
    this.emit({ type: held ? 'held' : 'resumed', lineCallId: this.id, by });
  }

  private onState(state: SessionState): void {
    if (state === SessionState.Established && this.phase === 'ringing') {
      this.phase = 'connected';
      this.endReason = undefined;
      // As caller, sip.js has sent the ACK for the 2xx by now; as callee the ACK confirms (onAck).
      if (this.direction === 'out') this.sdh?.confirmDialog();
      this.emit({ type: 'answered', lineCallId: this.id });
    } else if (state === SessionState.Terminated && this.phase !== 'ended') {
      // sip.js terminates the session before it calls the request delegate that tells us why.
      queueMicrotask(() => this.finish());
    }
  }

  private finish(): void {
    if (this.phase === 'ended') return;
    const unansweredOut = this.phase === 'ringing' && this.direction === 'out';
    const fallback: EndReason = unansweredOut ? { by: 'remote', cause: 'failed', detail: 'no final response' } : { by: 'remote', cause: 'normal' };
    this.phase = 'ended';
    this.emit({ type: 'ended', lineCallId: this.id, ...(this.endReason ?? fallback) });
    this.onEnded(this);
  }
}

import type { Clock } from '@callhook/core';
import { Every } from '../every.js';
import type { SipCall } from './sip-call.js';

/** How often a connected call's media is looked at (ms of the injected clock). */
export const MEDIA_CHECK_MS = 1_000;

/**
 * Ends dead calls. Every `MEDIA_CHECK_MS` while `call` is connected it looks at the call's RTP stream:
 * - the peer's port answered with ICMP port unreachable → `onDead('RTP peer unreachable …')`;
 * - no RTP received for `inactivityTimeoutMs` while the dialog is confirmed and neither side holds
 *   (a held call may be silent) → `onDead('no RTP received for N s')`.
 * The silence is counted from the later of the last packet, the confirmation and the end of a hold.
 * `inactivityTimeoutMs` 0 turns the inactivity check off (unreachability is still acted on).
 * Stops by itself when the call leaves the connected phase; `stop()` ends it early. Never throws.
 */
export class MediaWatch {
  private readonly schedule: Every;
  private quietSince: number;

  constructor(
    private readonly call: SipCall,
    private readonly clock: Clock,
    private readonly inactivityTimeoutMs: number,
    private readonly onDead: (why: string) => void,
  ) {
    this.quietSince = clock.now();
    this.schedule = new Every(clock, MEDIA_CHECK_MS, () => this.check());
  }

  stop(): void {
    this.schedule.stop();
  }

  private check(): void {
    if (this.call.phase !== 'connected') return this.stop();
    const stream = this.call.sdh?.stream;
    const now = this.clock.now();
    if (stream?.unreachable) {
      this.stop();
      return this.onDead('RTP peer unreachable (ICMP port unreachable)');
    }
    const exempt = !stream?.isConfirmed || this.call.localHold || this.call.remoteHold;
    if (exempt) this.quietSince = now;
    else if (stream.lastReceivedAt !== undefined) this.quietSince = Math.max(this.quietSince, stream.lastReceivedAt);
    if (this.inactivityTimeoutMs > 0 && now - this.quietSince >= this.inactivityTimeoutMs) {
      this.stop();
      return this.onDead(`no RTP received for ${Math.round((now - this.quietSince) / 1000)} s`);
    }
  }
}

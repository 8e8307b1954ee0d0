import type { CallQuality, Clock, LineEvent } from '@callhook/core';
import { Every } from '../every.js';
import { callQuality } from '../media/call-quality.js';
import type { SipCall } from './sip-call.js';

/**
 * How often a connected call's live quality is reported, ms of the injected clock: the RTCP report
 * interval of RFC 3550 §6.2 (a 5 s minimum), so each report can carry the round-trip time and loss the
 * latest RTCP exchange gave. A fixed schedule, not tied to the randomised RTCP send times.
 */
export const QUALITY_REPORT_MS = 5_000;

/**
 * Reports a connected call's media quality while it lasts: every `intervalMs` (on `clock`) from the
 * answer it reads the call's RTP stream and emits the line event
 * `{ type: 'quality', lineCallId, quality }` with the figures `ended` would carry now (`callQuality`:
 * cumulative loss and packets received, interarrival jitter, RTCP round-trip time, E-model MOS, codec;
 * RFC 3550 §6.4.1). Nothing is emitted before the stream has negotiated a codec, nor when the figures
 * are the same as in the last report (a held, silent call). Stops by itself once the call is no longer
 * connected; `stop()` ends it early (the line calls it before it emits `ended`, so no report follows
 * `ended`: Line contract rule 5). Never throws.
 */
export class QualityReport {
  private readonly schedule: Every;
  private last: string | undefined;

  constructor(
    private readonly call: SipCall,
    clock: Clock,
    intervalMs: number,
    private readonly emit: (event: Extract<LineEvent, { type: 'quality' }>) => void,
  ) {
    this.schedule = new Every(clock, intervalMs, () => this.tick());
  }

  stop(): void {
    this.schedule.stop();
  }

  private tick(): void {
    if (this.call.phase !== 'connected') return this.stop();
    const counters = this.call.sdh?.stream?.counters();
    if (counters?.codec !== undefined) {
      const quality: CallQuality = callQuality(counters);
      const key = JSON.stringify(quality);
      if (key !== this.last) {
        this.last = key;
        this.emit({ type: 'quality', lineCallId: this.call.id, quality });
      }
    }
  }
}

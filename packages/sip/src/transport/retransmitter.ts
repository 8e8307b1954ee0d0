import type { Clock, TimerHandle } from '@callhook/core';

export interface RetransmitTimers {
  /** RTT estimate, RFC 3261 default 500 ms. */
  t1: number;
  /** Longest interval for non-INVITE requests and INVITE responses, default 4 s. */
  t2: number;
}

export const DEFAULT_TIMERS: RetransmitTimers = { t1: 500, t2: 4_000 };

interface Entry {
  resend: () => void;
  interval: number;
  cap: number;
  deadline: number;
  timer: TimerHandle | null;
}

/**
 * RFC 3261 §17 retransmission over UDP, which sip.js leaves to the transport: requests (timers A/E)
 * until a response, and our non-2xx INVITE finals (timer G) until the ACK. Keys are
 * `branch + CSeq method`, so a CANCEL and its INVITE are separate.
 */
export class Retransmitter {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly timers: RetransmitTimers = DEFAULT_TIMERS,
  ) {}

  trackRequest(key: string, method: string, resend: () => void): void {
    const cap = method === 'INVITE' ? Number.POSITIVE_INFINITY : this.timers.t2;
    this.track(key, resend, cap);
  }

  trackResponse(key: string, resend: () => void): void {
    this.track(key, resend, this.timers.t2);
  }

  /** A response arrived for a request we sent. */
  responseReceived(key: string, statusCode: number): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    if (statusCode >= 200 || key.endsWith(' INVITE')) return this.stop(key);
    // Non-INVITE in Proceeding keeps retransmitting, at T2 (§17.1.2.2).
    entry.interval = this.timers.t2;
  }

  ackReceived(key: string): void {
    this.stop(key);
  }

  get size(): number {
    return this.entries.size;
  }

  stopAll(): void {
    for (const key of [...this.entries.keys()]) this.stop(key);
  }

  private track(key: string, resend: () => void, cap: number): void {
    this.stop(key);
    const entry: Entry = { resend, interval: this.timers.t1, cap, deadline: this.clock.now() + 64 * this.timers.t1, timer: null };
    this.entries.set(key, entry);
    this.schedule(key, entry);
  }

  private schedule(key: string, entry: Entry): void {
    entry.timer = this.clock.setTimeout(() => {
      if (this.entries.get(key) !== entry) return;
      if (this.clock.now() >= entry.deadline) return this.stop(key);
      entry.resend();
      entry.interval = Math.min(entry.interval * 2, entry.cap);
      this.schedule(key, entry);
    }, entry.interval);
  }

  private stop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    if (entry.timer !== null) this.clock.clearTimeout(entry.timer);
    this.entries.delete(key);
  }
}

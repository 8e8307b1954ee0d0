import type { Clock } from '@callhook/core';

/**
 * A sliding-window limit for `make_call`. A request takes a place only once it has passed the gate
 * and the parser, and gives it back if the call was refused, so rejected requests never use up the
 * allowance of legitimate ones.
 */
export class SlidingWindowLimiter {
  private readonly taken: number[] = [];

  constructor(private readonly clock: Clock) {}

  /** A release function when a place was free, or the ms until one frees up. */
  take(max: number, windowMs: number): { release: () => void } | { retryAfterMs: number } {
    const now = this.clock.now();
    while (this.taken.length > 0 && this.taken[0]! <= now - windowMs) this.taken.shift();
    if (this.taken.length >= max) return { retryAfterMs: this.taken[0]! + windowMs - now };
    this.taken.push(now);
    return {
      release: () => {
        const index = this.taken.lastIndexOf(now);
        if (index !== -1) this.taken.splice(index, 1);
      },
    };
  }
}

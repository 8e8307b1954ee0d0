import type { Clock } from '@callhook/core';
import { ServerError } from '../http/http-error.js';

/** Peer keys with a bucket; past this, full buckets (the same as none) are dropped, then the oldest. */
const MAX_BUCKETS = 4_096;

interface Bucket {
  tokens: number;
  at: number;
}

/** A place taken from a bucket, or how long until one is free. */
export type Take = { release: () => void } | { retryAfterMs: number };

/**
 * A token bucket per key (a peer): `capacity` places, refilled continuously at `capacity` per
 * `windowMs`. A noisy key empties only its own bucket, and a bucket refills as time passes instead
 * of locking its key out until a window ends. Time comes from core's `Clock`.
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: Clock) {}

  /** Takes one place for `key`: a release function (gives it back) or the ms until one refills. */
  take(key: string, capacity: number, windowMs: number): Take {
    const now = this.clock.now();
    const perMs = capacity / windowMs;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      this.makeRoom(now, perMs, capacity);
      bucket = { tokens: capacity, at: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * perMs);
      bucket.at = now;
    }
    if (bucket.tokens < 1) return { retryAfterMs: Math.ceil((1 - bucket.tokens) / perMs) };
    bucket.tokens -= 1;
    const taken = bucket;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        taken.tokens = Math.min(capacity, taken.tokens + 1);
      },
    };
  }

  /** Keys with a bucket now (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  private makeRoom(now: number, perMs: number, capacity: number): void {
    if (this.buckets.size < MAX_BUCKETS) return;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * perMs >= capacity) this.buckets.delete(key);
    }
    if (this.buckets.size >= MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value!);
  }
}

/** The actions that place a call on the line (and so cost money and annoy people when flooded). */
export const CALL_PLACING_ACTIONS: ReadonlySet<string> = new Set(['make_call', 'transfer']);

/**
 * One limiter for every path that places calls (inbound make_call/transfer, `POST /api/v1/commands`),
 * keyed by peer. Returns how to give the place back (when the call was refused), or throws
 * `rate_limited` (429, `Retry-After`) naming `inbound.rateLimit`.
 */
export function takeCallPlace(limiter: TokenBucketLimiter, peer: string, rateLimit: { max: number; windowMs: number }): () => void {
  const place = limiter.take(peer, rateLimit.max, rateLimit.windowMs);
  if ('release' in place) return place.release;
  const seconds = Math.max(1, Math.ceil(place.retryAfterMs / 1000));
  throw new ServerError(
    'rate_limited',
    `more than ${rateLimit.max} calls in ${rateLimit.windowMs} ms from this client (inbound.rateLimit); retry in ${seconds} s`,
    {
      'retry-after': String(seconds),
    },
  );
}

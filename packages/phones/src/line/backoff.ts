import type { Random } from '@callhook/core';

/**
 * Delay before retry number `attempt` (0-based): 1 s doubling to at most 60 s, ±20 % jitter drawn
 * from `random` so many lines that lost their phones at once do not probe in step. Milliseconds.
 */
export function retryDelayMs(attempt: number, random: Random): number {
  const base = Math.min(60_000, 1_000 * 2 ** Math.min(attempt, 6));
  const bytes = new Uint8Array(1);
  random.fill(bytes);
  return Math.round(base * (0.8 + (bytes[0]! / 255) * 0.4));
}

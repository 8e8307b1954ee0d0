import type { Random } from '@callhook/core';
import { randomInteger } from '../random-draws.js';

/**
 * The wait before re-open attempt `attempt` (0-based): `initialMs` doubling per attempt, capped at
 * `maxMs`, spread ±25 % with `random` so many lines that lost the same phone do not retry in step.
 */
export function reconnectDelay(attempt: number, initialMs: number, maxMs: number, random: Random): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  const low = Math.floor(base * 0.75);
  return randomInteger(random, low, Math.max(low + 1, Math.floor(base * 1.25) + 1));
}

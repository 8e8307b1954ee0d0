import type { Random } from '@callhook/core';

// Draws from core's Random port; the real source is `cryptoRandom` from @callhook/node.

/** A uniformly distributed integer in [min, max) drawn from `random` (max - min at most 2^32), without modulo bias. */
export function randomInteger(random: Random, min: number, max: number): number {
  const range = max - min;
  if (!Number.isInteger(range) || range <= 0 || range > 2 ** 32) throw new RangeError(`bad range [${min}, ${max})`);
  const bytes = new Uint8Array(4);
  const limit = 2 ** 32 - (2 ** 32 % range); // reject the biased tail
  // Each draw lands in the tail with probability below 1/2; 64 misses in a row means a broken source.
  for (let draw = 0; draw < 64; draw++) {
    random.fill(bytes);
    const value = new DataView(bytes.buffer).getUint32(0);
    if (value < limit) return min + (value % range);
  }
  throw new RangeError('the random source keeps returning values in the biased tail');
}

/** `bytes` random bytes from `random` as lowercase hex (tags, ids). */
export function randomHex(random: Random, bytes: number): string {
  const buffer = new Uint8Array(bytes);
  random.fill(buffer);
  return Buffer.from(buffer).toString('hex');
}

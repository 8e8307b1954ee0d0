import type { Clock, Random } from './ports.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A UUID v7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. It satisfies the spec's
 * "128-bit number that contains date and time, as well as at least 64 bit of true random data".
 */
export function uuidV7(clock: Clock, random: Random): string {
  const bytes = new Uint8Array(16);
  random.fill(bytes);
  let ms = Math.max(0, Math.floor(clock.now()));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const h = Array.from(bytes, (b) => HEX[b]!);
  return `${h.slice(0, 4).join('')}-${h.slice(4, 6).join('')}-${h.slice(6, 8).join('')}-${h.slice(8, 10).join('')}-${h.slice(10).join('')}`;
}

/** The creation time (epoch ms) held in a UUID v7. */
export function uuidV7Time(guid: string): number {
  return parseInt(guid.replace(/-/g, '').slice(0, 12), 16);
}

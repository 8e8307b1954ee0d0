import { randomFillSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uuidV7, uuidV7Time } from '../../src/index.js';
import { SimulatedClock } from '@callhook/test-support';

describe('call GUID (UUID v7)', () => {
  const clock = new SimulatedClock(Date.UTC(2022, 1, 13, 16, 43, 50, 123));
  const random = { fill: (bytes: Uint8Array) => void randomFillSync(bytes) };

  it('is formatted 8-4-4-4-12 with version 7 and the RFC variant', () => {
    expect(uuidV7(clock, random)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('holds its creation time to the millisecond', () => {
    expect(uuidV7Time(uuidV7(clock, random))).toBe(clock.now());
  });

  it('keeps at least 64 random bits: 10,000 GUIDs in the same millisecond are distinct', () => {
    const seen = new Set(Array.from({ length: 10_000 }, () => uuidV7(clock, random)));
    expect(seen.size).toBe(10_000);
  });

  it('takes its random bits from the Random port', () => {
    const zeros = { fill: (bytes: Uint8Array) => bytes.fill(0) };
    const ones = { fill: (bytes: Uint8Array) => bytes.fill(0xff) };
    expect(uuidV7(clock, zeros).slice(-12)).toBe('000000000000');
    expect(uuidV7(clock, ones).slice(-12)).toBe('ffffffffffff');
  });
});

import { SimulatedClock } from '@callhook/test-support';
import { describe, expect, it } from 'vitest';
import { Every } from '../src/every.js';

describe('Every (the line’s repeating schedule)', () => {
  it('ticks once per interval until stopped, and stopping inside a tick leaves no timer behind', async () => {
    const clock = new SimulatedClock(0);
    const ticks: number[] = [];
    const every = new Every(clock, 1_000, () => {
      ticks.push(clock.now());
      if (ticks.length === 3) every.stop();
    });
    await clock.advance(999);
    expect(ticks).toEqual([]);
    await clock.advance(2_001);
    expect(ticks).toEqual([1_000, 2_000, 3_000]);
    expect(clock.pendingTimers()).toBe(0); // not even one that would fire and find itself stopped
    await clock.advance(5_000);
    expect(ticks).toHaveLength(3);
  });

  it('stop() from outside cancels the next tick', async () => {
    const clock = new SimulatedClock(0);
    let ticks = 0;
    const every = new Every(clock, 500, () => ticks++);
    await clock.advance(1_200);
    every.stop();
    await clock.advance(5_000);
    expect(ticks).toBe(2);
    expect(clock.pendingTimers()).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { SimulatedClock, SPEC_EXAMPLE_TIME } from '../src/index.js';

describe('SimulatedClock.advance', () => {
  it('runs due timers in time order (ties in the order set), moving now() to each due time', async () => {
    const clock = new SimulatedClock(0);
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => seen.push(`c@${clock.now()}`), 20);
    clock.setTimeout(() => seen.push('late'), 31);
    await clock.advance(30);
    expect(seen).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(30);
    expect(clock.pendingDue()).toEqual([31]);
  });

  it('runs timers set by a callback, and by promise jobs it caused, when they fall due in the same advance', async () => {
    const clock = new SimulatedClock(0);
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 5);
      void Promise.resolve().then(() => clock.setTimeout(() => seen.push(clock.now()), 7));
    }, 10);
    await clock.advance(17);
    expect(seen).toEqual([10, 15, 17]);
  });

  it('flushes promise jobs before looking for timers, and never runs a cleared one', async () => {
    const clock = new SimulatedClock();
    expect(clock.now()).toBe(SPEC_EXAMPLE_TIME);
    let fired = 0;
    void Promise.resolve().then(() => clock.setTimeout(() => fired++, 1));
    const cleared = clock.setTimeout(() => (fired += 100), 1);
    clock.clearTimeout(cleared);
    await clock.advance(1);
    expect(fired).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
  });
});

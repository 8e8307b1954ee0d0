import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../src/transport/bounded-map.js';

describe('BoundedMap', () => {
  it('forgets the oldest entries beyond its limit', () => {
    const map = new BoundedMap<string, number>(3);
    for (let i = 0; i < 10; i++) map.set(`k${i}`, i);
    expect(map.size).toBe(3);
    expect([map.get('k6'), map.get('k7'), map.get('k9')]).toEqual([undefined, 7, 9]);
  });

  it('moves a key set again to the young end', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('a', 3).set('c', 4);
    expect([map.has('a'), map.has('b'), map.get('a')]).toEqual([true, false, 3]);
  });

  it('with maxAgeMs forgets what outlived it, so steady traffic holds rate × age entries, not the limit', () => {
    let now = 0;
    const map = new BoundedMap<string, true>(10_000, { maxAgeMs: 32_000, clock: { now: () => now } });
    // 100 entries a second for 200 s: 20,000 sets.
    for (let i = 0; i < 20_000; i++) {
      now = i * 10;
      map.set(`invite-${i}`, true);
    }
    expect(map.size).toBe(3_201);
    expect(map.has('invite-16799')).toBe(true);
    expect(map.has('invite-16798')).toBe(false);
  });

  it('forgets outlived entries when read too, so an idle map empties', () => {
    let now = 0;
    const map = new BoundedMap<string, string>(100, { maxAgeMs: 1_000, clock: { now: () => now } });
    map.set('a', 'x');
    now = 999;
    expect(map.get('a')).toBe('x');
    now = 1_001;
    expect(map.size).toBe(0);
    expect(map.get('a')).toBeUndefined();
  });

  it('delete takes an entry out at once', () => {
    const map = new BoundedMap<string, number>(5, { maxAgeMs: 10, clock: { now: () => 0 } });
    map.set('a', 1);
    expect(map.delete('a')).toBe(true);
    expect(map.has('a')).toBe(false);
  });
});

import type { Clock } from '@callhook/core';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/index.js';
import { TokenBucketLimiter } from '../../src/gate/rate-limiter.js';
import { testApp, testSettings, TOKEN, type TestApp } from '../support/test-app.js';

/** Wall-clock timers (the engine's), but a `now` the test moves. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = 1_000_000;
  return { now: () => now, setTimeout: systemClock.setTimeout, clearTimeout: systemClock.clearTimeout, advance: (ms) => void (now += ms) };
}

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

describe('TokenBucketLimiter', () => {
  it('gives each key its own bucket that refills continuously', () => {
    const clock = manualClock();
    const limiter = new TokenBucketLimiter(clock);
    for (let i = 0; i < 3; i++) expect('release' in limiter.take('a', 3, 3_000)).toBe(true);
    expect(limiter.take('a', 3, 3_000)).toEqual({ retryAfterMs: 1_000 });
    expect('release' in limiter.take('b', 3, 3_000)).toBe(true);
    clock.advance(999);
    expect('retryAfterMs' in limiter.take('a', 3, 3_000)).toBe(true);
    clock.advance(1);
    expect('release' in limiter.take('a', 3, 3_000)).toBe(true);
    expect('retryAfterMs' in limiter.take('a', 3, 3_000)).toBe(true);
  });

  it('a released place comes back once; the number of buckets is bounded', () => {
    const clock = manualClock();
    const limiter = new TokenBucketLimiter(clock);
    const place = limiter.take('a', 1, 60_000);
    expect('release' in place).toBe(true);
    if ('release' in place) {
      place.release();
      place.release();
    }
    expect('release' in limiter.take('a', 1, 60_000)).toBe(true);
    expect('retryAfterMs' in limiter.take('a', 1, 60_000)).toBe(true);
    for (let i = 0; i < 10_000; i++) limiter.take(`peer-${i}`, 1, 60_000);
    expect(limiter.size).toBeLessThanOrEqual(4_096);
  });
});

describe('one call limit for every path that places calls', () => {
  const auth = { authorization: `Bearer ${TOKEN}` };

  it('a flood from one peer does not lock out another; the control API and transfer share the bucket; the bucket refills', async () => {
    const clock = manualClock();
    t = await testApp(testSettings({ token: TOKEN, rateLimit: { max: 3, windowMs: 60_000 } }), { clock });
    const noisy = '127.0.0.9';
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      statuses.push((await t.app.inject({ url: `/?action=make_call&target=${100 + i}`, headers: auth, remoteAddress: noisy })).statusCode);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(47);

    const command = (remoteAddress: string, payload: object) =>
      t!.app.inject({ method: 'POST', url: '/api/v1/commands', headers: auth, remoteAddress, payload });
    const viaApi = await command(noisy, { action: 'make_call', target: '555' });
    expect(viaApi.statusCode).toBe(429);
    expect(viaApi.json()).toMatchObject({ code: 'rate_limited' });
    expect(Number(viaApi.headers['retry-after'])).toBe(20);
    const call = t.engine.activeCalls()[0]!;
    expect((await t.app.inject({ url: `/?action=transfer&target=556&call=${call.guid}`, headers: auth, remoteAddress: noisy })).statusCode).toBe(429);
    // Other actions are not limited.
    expect((await command(noisy, { action: 'hangup', call: call.guid })).statusCode).toBe(200);

    // Another client is served meanwhile, through both paths.
    expect((await t.app.inject({ url: '/?action=make_call&target=200', headers: auth, remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    expect((await command('127.0.0.1', { action: 'make_call', target: '201' })).statusCode).toBe(200);

    // A third of the window later exactly one place has refilled for the noisy peer: no window-long lockout.
    clock.advance(20_000);
    expect((await command(noisy, { action: 'make_call', target: '557' })).statusCode).toBe(200);
    expect((await command(noisy, { action: 'make_call', target: '558' })).statusCode).toBe(429);
    expect(
      t.engine
        .activeCalls()
        .map((c) => c.remoteParty)
        .sort(),
    ).toEqual(['101', '102', '200', '201', '557']);
  });

  it('a refused call through the control API gives its place back', async () => {
    t = await testApp(testSettings({ token: TOKEN, rateLimit: { max: 1, windowMs: 60_000 }, denyPrefixes: ['0900'] }));
    for (let i = 0; i < 5; i++) {
      const denied = await t.app.inject({ method: 'POST', url: '/api/v1/commands', headers: auth, payload: { action: 'make_call', target: '0900' } });
      expect(denied.statusCode).toBe(403);
    }
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/commands', headers: auth, payload: { action: 'make_call', target: '1' } });
    expect(ok.statusCode).toBe(200);
  });
});

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SLOT_RETRIES,
  MAX_RETRY_AFTER_MS,
  retryAfterMs,
  retryDelayMs,
  retrySchedule,
  SlotSchema,
  type FetchResponse,
  type Random,
} from '../../src/index.js';
import { SimulatedClock } from '@callhook/test-support';
import { delivery } from '../support/deliveries.js';
import { dispatcherFixture } from '../support/dispatcher-fixture.js';
import { CountingRandom } from '../support/fakes.js';

/** Every byte the same: 0 gives the shortest waits (−20 %), 255 the longest (+20 %). */
class ConstantRandom implements Random {
  constructor(private readonly byte: number) {}
  fill(bytes: Uint8Array): void {
    bytes.fill(this.byte);
  }
}

/** A slot's retries as settings give them when the slot says nothing about retries. */
const defaultRetries = SlotSchema.parse({ on: 'inbound', url: 'http://crm.test/' }).retries;

describe('the default retries of a slot', () => {
  it('are 8 retries, 1 s doubling to at most 60 s: the last one more than 2 minutes after the first failure', () => {
    expect(defaultRetries).toEqual({ max: 8, backoffMs: 1_000, maxBackoffMs: 60_000 });
    expect(defaultRetries).toEqual(DEFAULT_SLOT_RETRIES);
    expect(retrySchedule(defaultRetries)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    const total = (draw: number) => Array.from({ length: defaultRetries.max }, (_, i) => retryDelayMs(defaultRetries, i + 1, draw)).reduce((a, b) => a + b);
    expect(total(0.5)).toBe(183_000);
    expect(total(0)).toBeGreaterThan(120_000); // even with every wait at its shortest
    expect(total(1)).toBeLessThan(240_000);
  });

  it('spread each wait ±20 % through the Random port, and never cap below backoffMs', () => {
    expect(retryDelayMs(defaultRetries, 1, 0)).toBe(800);
    expect(retryDelayMs(defaultRetries, 1, 1)).toBe(1_200);
    expect(retryDelayMs(defaultRetries, 10, 0.5)).toBe(60_000);
    expect(retryDelayMs({ max: 3, backoffMs: 600_000, maxBackoffMs: 60_000 }, 2)).toBe(600_000);
    // An outbox entry written before the cap existed doubles without one, as it did then.
    expect(retryDelayMs({ max: 10, backoffMs: 1_000 }, 10)).toBe(512_000);
  });

  it('deliver to a receiver that is down for 60 s, then up: exactly one delivered attempt per Idempotency-Key', async () => {
    const clock0 = new SimulatedClock().now();
    // The receiver refuses connections for its first 60 s, then takes each key once (a second
    // request with a key it has already taken would be a duplicate).
    const taken = new Map<string, number>();
    const { clock, dispatcher, records, journal, fetcher } = dispatcherFixture(
      async (request) => {
        if (clock.now() - clock0 < 60_000) throw new Error('connect ECONNREFUSED 127.0.0.1:9000');
        const key = request.headers['Idempotency-Key']!;
        taken.set(key, (taken.get(key) ?? 0) + 1);
        return { status: 200 };
      },
      { random: new CountingRandom() },
    );
    const events = [
      delivery({ callGuid: 'call-a', action: 'inbound', retries: defaultRetries }),
      delivery({ callGuid: 'call-a', action: 'disconnected', retries: defaultRetries }),
      delivery({ callGuid: 'call-b', action: 'inbound', slot: 1, retries: defaultRetries }),
    ];
    for (const event of events) dispatcher.submit(event);
    await clock.advance(0);
    expect(records.map((r) => r.outcome)).toEqual(['network_error', 'network_error']); // call-a's second event waits its turn

    await clock.advance(59_000);
    expect(taken.size).toBe(0);
    expect(records.every((r) => !r.final)).toBe(true);

    await clock.advance(5 * 60_000);
    expect(Object.fromEntries(taken)).toEqual(Object.fromEntries(events.map((e) => [e.id, 1])));
    expect(records.filter((r) => r.final).map((r) => [r.deliveryId, r.outcome])).toEqual(expect.arrayContaining(events.map((e) => [e.id, 'delivered'])));
    expect(records.filter((r) => r.final)).toHaveLength(3);
    // Every attempt of a delivery carried its one key; the outbox is empty.
    for (const event of events) {
      const keys = new Set(fetcher.requests.filter((r) => r.url === event.url).map((r) => r.headers['Idempotency-Key']));
      expect([...keys]).toEqual([event.id]);
    }
    expect(await journal.pendingDeliveries()).toEqual([]);
    // The waits followed the schedule (within the jitter): the successful attempt of the first came
    // with retry 7, at 63 s nominal.
    const first = records.filter((r) => r.deliveryId === events[0]!.id);
    expect(first.map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(first.at(-1)!.at - clock0).toBeGreaterThanOrEqual(60_000);
    expect(first.at(-1)!.at - clock0).toBeLessThanOrEqual(63_000 * 1.2);
  });

  it('still deliver when the receiver is down for 140 s, even with every wait at its shortest', async () => {
    const clock0 = new SimulatedClock().now();
    const { clock, dispatcher, records } = dispatcherFixture(async () => ({ status: clock.now() - clock0 < 140_000 ? 503 : 200 }), {
      random: new ConstantRandom(0),
    });
    dispatcher.submit(delivery({ retries: defaultRetries }));
    await clock.advance(10 * 60_000);
    expect(records.at(-1)).toMatchObject({ outcome: 'delivered', attempt: 9, final: true });
  });
});

describe('which failures are retried', () => {
  it.each([
    [408, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [410, false],
    [414, false],
    [422, false],
  ])('status %i: retried %s', async (status, retried) => {
    const { clock, dispatcher, records } = dispatcherFixture(async () => ({ status }));
    dispatcher.submit(delivery({ retries: { max: 2, backoffMs: 10 } }));
    await clock.advance(1_000);
    expect(records).toHaveLength(retried ? 3 : 1);
    expect(records.at(-1)).toMatchObject({ outcome: 'http_error', status, final: true });
  });

  it('retries network errors and timeouts', async () => {
    let calls = 0;
    const { clock, dispatcher, records } = dispatcherFixture((request) =>
      ++calls === 1
        ? Promise.reject(new Error('socket hang up'))
        : calls === 2
          ? new Promise((_, reject) => request.cancellation.onCancel(reject))
          : Promise.resolve({ status: 204 }),
    );
    dispatcher.submit(delivery({ timeoutMs: 1_000, retries: { max: 2, backoffMs: 10 } }));
    await clock.advance(5_000);
    expect(records.map((r) => r.outcome)).toEqual(['network_error', 'timeout', 'delivered']);
  });
});

describe("a receiver's Retry-After", () => {
  it('is waited when longer than the back-off, as seconds or as an HTTP-date', async () => {
    const answers: FetchResponse[] = [
      { status: 503, retryAfter: '30' },
      { status: 429, retryAfter: new Date(new SimulatedClock().now() + 30_000 + 45_000).toUTCString() },
      { status: 200 },
    ];
    const { clock, dispatcher, records, fetcher } = dispatcherFixture(async () => answers.shift()!);
    dispatcher.submit(delivery({ retries: { max: 3, backoffMs: 1_000 } }));
    await clock.advance(29_999);
    expect(fetcher.requests).toHaveLength(1);
    await clock.advance(1);
    expect(fetcher.requests).toHaveLength(2);
    await clock.advance(44_999);
    expect(fetcher.requests).toHaveLength(2);
    await clock.advance(1);
    expect(records.map((r) => r.outcome)).toEqual(['http_error', 'http_error', 'delivered']);
  });

  it('does not shorten the back-off, and is bounded to 10 minutes', async () => {
    const answers: FetchResponse[] = [{ status: 503, retryAfter: '0' }, { status: 503, retryAfter: '86400' }, { status: 200 }];
    const { clock, dispatcher, fetcher } = dispatcherFixture(async () => answers.shift()!);
    dispatcher.submit(delivery({ retries: { max: 3, backoffMs: 5_000 } }));
    await clock.advance(4_999);
    expect(fetcher.requests).toHaveLength(1);
    await clock.advance(1);
    expect(fetcher.requests).toHaveLength(2);
    await clock.advance(MAX_RETRY_AFTER_MS);
    expect(fetcher.requests).toHaveLength(3);
  });

  it('is read as delta-seconds or an HTTP-date; anything else is ignored', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(' 5 ', now)).toBe(5_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 12:01:00 GMT', now)).toBe(60_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('999999', now)).toBe(MAX_RETRY_AFTER_MS);
    for (const junk of [undefined, null, '', '-5', '1.5', 'soon', '01 Jan 2026 12:01:00']) expect(retryAfterMs(junk, now)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { Dispatcher, type DeliveryRecord, type FetchRequest, type FetchResponse, type PendingDelivery } from '../../src/index.js';
import { standardSinks } from '../../src/index.js';
import { delivery } from '../support/deliveries.js';
import { SimulatedClock } from '@callhook/test-support';
import { hang, RecordingBrowser, RecordingFetcher } from '../support/fakes.js';
import { MemoryJournal } from '../support/memory-journal.js';

/** Advances the fake clock in `stepMs` steps until `done()` holds; bounded in steps. */
async function until(clock: SimulatedClock, done: () => boolean, stepMs = 0, maxSteps = 5_000): Promise<void> {
  for (let step = 0; step < maxSteps && !done(); step++) await clock.advance(stepMs);
  expect(done()).toBe(true);
}

describe('dispatcher memory bound', () => {
  it('parks what does not fit in memory in the outbox and loses none of a storm far past the bound', async () => {
    const clock = new SimulatedClock();
    const journal = new MemoryJournal();
    let up = false;
    const held: (() => void)[] = [];
    const fetcher = new RecordingFetcher((_request: FetchRequest) =>
      up ? Promise.resolve({ status: 200 }) : new Promise<FetchResponse>((resolve) => held.push(() => resolve({ status: 200 }))),
    );
    const dispatcher = new Dispatcher({
      sinks: standardSinks({ fetcher, browser: new RecordingBrowser() }),
      clock,
      journal,
      maxQueued: 20,
      maxQueuedPerOrigin: 20,
      concurrency: 4,
      resumePageSize: 16,
    });
    const records: DeliveryRecord[] = [];
    dispatcher.onRecord((r) => records.push(r));
    let mostQueued = 0;
    const watch = (): void => {
      mostQueued = Math.max(mostQueued, dispatcher.stats().queued);
    };

    // 100 calls × 5 slots × 2 events = 1,000 deliveries against a bound of 20 in memory.
    const all: PendingDelivery[] = [];
    for (let call = 0; call < 100; call++) {
      for (const action of ['inbound', 'disconnected'] as const) {
        for (let slot = 0; slot < 5; slot++) {
          const d = delivery({ callGuid: `c${call}`, slot, action, url: `http://receiver.test/${call}/${slot}/${action}`, timeoutMs: 600_000 });
          all.push(d);
          expect(dispatcher.submit(d)).toBe(true);
          watch();
        }
      }
    }
    await clock.advance(0);
    watch();
    // Every one kept, though memory holds 20: the first 23 are calls 0–2's (one receiver, so one lane
    // per call with one delivery in flight each) and the other 977 are parked.
    expect(journal.size()).toBe(all.length);
    expect(dispatcher.stats()).toMatchObject({ queued: 20, inFlight: 3, dropped: 0 });
    expect(dispatcher.stats().parked).toBe(all.length - 23);

    up = true;
    held.splice(0).forEach((release) => release());
    await until(clock, () => {
      watch();
      return records.length >= all.length;
    });
    await expect(dispatcher.drain(1_000)).resolves.toBe(true);

    expect(mostQueued).toBeLessThanOrEqual(20);
    expect(records.filter((r) => r.outcome === 'dropped')).toEqual([]);
    expect(new Set(records.filter((r) => r.outcome === 'delivered').map((r) => r.deliveryId))).toEqual(new Set(all.map((d) => d.id)));
    expect(fetcher.requests).toHaveLength(all.length); // each sent once: a parked entry is not read back twice
    expect(journal.size()).toBe(0);
    // Per call and receiver the order holds across parking and across slots: every inbound before any disconnected.
    const sentAt = new Map(fetcher.urls().map((url, index) => [url, index]));
    const slots = [0, 1, 2, 3, 4];
    for (let call = 0; call < 100; call++) {
      const lastInbound = Math.max(...slots.map((slot) => sentAt.get(`http://receiver.test/${call}/${slot}/inbound`)!));
      const firstDisconnected = Math.min(...slots.map((slot) => sentAt.get(`http://receiver.test/${call}/${slot}/disconnected`)!));
      expect(lastInbound).toBeLessThan(firstDisconnected);
    }
  });

  it('reads an outbox left by an earlier run back page by page, never holding more than the bound', async () => {
    const clock = new SimulatedClock();
    const journal = new MemoryJournal();
    const left = Array.from({ length: 300 }, (_, i) => delivery({ callGuid: `old${i}`, url: `http://receiver.test/old/${i}` }));
    for (const d of left) journal.enqueueDelivery(d);
    const fetcher = new RecordingFetcher();
    const dispatcher = new Dispatcher({
      sinks: standardSinks({ fetcher, browser: new RecordingBrowser() }),
      clock,
      journal,
      maxQueued: 10,
      concurrency: 2,
      resumePageSize: 7,
    });
    let mostQueued = 0;
    await dispatcher.resume();
    mostQueued = dispatcher.stats().queued;
    await until(clock, () => {
      mostQueued = Math.max(mostQueued, dispatcher.stats().queued);
      return journal.size() === 0;
    });
    expect(mostQueued).toBeLessThanOrEqual(10);
    expect(fetcher.urls()).toEqual(left.map((d) => d.url)); // in outbox order, each once
    await expect(dispatcher.drain(1_000)).resolves.toBe(true);
  });
});

describe('dispatcher per-origin lanes', () => {
  it('a receiver that never answers holds up only its own origin, however large its backlog', async () => {
    const clock = new SimulatedClock();
    const journal = new MemoryJournal();
    const fetcher = new RecordingFetcher((r) => (r.url.startsWith('http://dead.test') ? hang(r) : Promise.resolve({ status: 200 })));
    const dispatcher = new Dispatcher({
      sinks: standardSinks({ fetcher, browser: new RecordingBrowser() }),
      clock,
      journal,
      maxQueued: 400,
      concurrency: 8,
      concurrencyPerOrigin: 4,
    });
    const healthy = (): number => fetcher.requests.filter((r) => r.url.startsWith('http://healthy.test')).length;
    const dead = (): number => fetcher.requests.filter((r) => r.url.startsWith('http://dead.test')).length;
    // 300 calls: four slots at the dead receiver (60 s timeout, retries), the fifth at a healthy one.
    for (let call = 0; call < 300; call++) {
      for (let slot = 0; slot < 4; slot++) {
        dispatcher.submit(
          delivery({ callGuid: `c${call}`, slot, url: `http://dead.test:8080/${call}/${slot}`, timeoutMs: 60_000, retries: { max: 3, backoffMs: 1_000 } }),
        );
      }
      dispatcher.submit(delivery({ callGuid: `c${call}`, slot: 4, url: `http://healthy.test/${call}` }));
    }
    await until(clock, () => healthy() === 300);
    // A new call while the dead receiver's backlog is still there: it goes out without any time passing.
    dispatcher.submit(delivery({ callGuid: 'new', slot: 4, url: 'http://healthy.test/new' }));
    await until(clock, () => fetcher.urls().includes('http://healthy.test/new'));
    expect(dead()).toBe(4); // the dead origin never had more than its own share in flight
    const { queued, parked, inFlight } = dispatcher.stats();
    expect(queued + parked + inFlight).toBeGreaterThanOrEqual(1_200); // its whole backlog still waiting
    dispatcher.halt();
  });

  it('origins take turns for the global concurrency', async () => {
    const clock = new SimulatedClock();
    const release = new Map<string, () => void>();
    const fetcher = new RecordingFetcher((r) => new Promise((resolve) => release.set(r.url, () => resolve({ status: 200 }))));
    const dispatcher = new Dispatcher({
      sinks: standardSinks({ fetcher, browser: new RecordingBrowser() }),
      clock,
      journal: new MemoryJournal(),
      concurrency: 4,
      concurrencyPerOrigin: 4,
    });
    for (let i = 0; i < 10; i++) dispatcher.submit(delivery({ callGuid: `a${i}`, url: `http://a.test/${i}` }));
    for (let i = 0; i < 10; i++) dispatcher.submit(delivery({ callGuid: `b${i}`, url: `https://b.test/${i}` }));
    await clock.advance(0);
    expect(fetcher.urls()).toEqual(['http://a.test/0', 'http://a.test/1', 'http://a.test/2', 'http://a.test/3']);
    // a.test came first and has six more waiting, but the freed place goes to b.test's turn.
    release.get('http://a.test/0')!();
    await clock.advance(0);
    expect(fetcher.urls().at(-1)).toBe('https://b.test/0');
    release.get('http://a.test/1')!();
    await clock.advance(0);
    expect(fetcher.urls().at(-1)).toBe('http://a.test/4');
    dispatcher.halt();
  });
});

describe('dispatcher halt', () => {
  it('cuts a retry back-off short, leaves the delivery in the outbox and no timer behind', async () => {
    const clock = new SimulatedClock();
    const journal = new MemoryJournal();
    const fetcher = new RecordingFetcher(async () => ({ status: 503 }));
    const dispatcher = new Dispatcher({ sinks: standardSinks({ fetcher, browser: new RecordingBrowser() }), clock, journal });
    const d = delivery({ retries: { max: 8, backoffMs: 60_000 } });
    dispatcher.submit(d);
    await clock.advance(0);
    expect(fetcher.requests).toHaveLength(1);
    expect(clock.pendingTimers()).toBe(1); // the back-off
    const drained = dispatcher.drain(5_000);
    await clock.advance(5_000);
    expect(await drained).toBe(false);
    dispatcher.halt();
    await clock.advance(0);
    expect(clock.pendingTimers()).toBe(0);
    expect(journal.pending().map((p) => p.id)).toEqual([d.id]);
    await clock.advance(600_000);
    expect(fetcher.requests).toHaveLength(1); // nothing more after halt
  });

  it('cancels an attempt in flight without completing it', async () => {
    const clock = new SimulatedClock();
    const journal = new MemoryJournal();
    const fetcher = new RecordingFetcher((r) => hang(r));
    const dispatcher = new Dispatcher({ sinks: standardSinks({ fetcher, browser: new RecordingBrowser() }), clock, journal });
    const records: DeliveryRecord[] = [];
    dispatcher.onRecord((r) => records.push(r));
    const d = delivery({ timeoutMs: 60_000 });
    dispatcher.submit(d);
    await clock.advance(0);
    dispatcher.halt();
    await clock.advance(0);
    expect(clock.pendingTimers()).toBe(0);
    expect(records).toEqual([]);
    expect(journal.pending().map((p) => p.id)).toEqual([d.id]);
  });
});

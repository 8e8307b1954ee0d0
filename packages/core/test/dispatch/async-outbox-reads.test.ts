import { describe, expect, it } from 'vitest';
import { Dispatcher, standardSinks, type FetchResponse, type OutboxPage } from '../../src/index.js';
import { delivery } from '../support/deliveries.js';
import { SimulatedClock, flush } from '@callhook/test-support';
import { RecordingBrowser, RecordingFetcher } from '../support/fakes.js';
import { MemoryJournal } from '../support/memory-journal.js';

/**
 * A journal whose page reads are answered only when the test says so, as a journal on another
 * thread or across a network answers later: the page is taken when the read is called.
 */
class HeldReadsJournal extends MemoryJournal {
  readonly held: { origin: string | undefined; answer: () => void }[] = [];
  override outboxAfter(after: number, limit: number, origin?: string): Promise<OutboxPage> {
    const page = super.outboxAfter(after, limit, origin);
    return new Promise((resolve) => this.held.push({ origin, answer: () => resolve(page) }));
  }
  /** Answers the oldest held read. */
  async answerNext(): Promise<void> {
    const read = this.held.shift();
    expect(read).toBeDefined();
    read!.answer();
    await flush();
  }
}

/** A fetcher whose responses come when the test releases them, in order. */
function heldFetcher(): { fetcher: RecordingFetcher; release: () => Promise<void> } {
  const waiting: (() => void)[] = [];
  const fetcher = new RecordingFetcher(() => new Promise<FetchResponse>((resolve) => waiting.push(() => resolve({ status: 200 }))));
  return {
    fetcher,
    release: async () => {
      expect(waiting.length).toBeGreaterThan(0);
      waiting.shift()!();
      await flush();
    },
  };
}

describe('dispatcher with a journal that answers reads later', () => {
  it('does not send again a delivery that completed while a page holding it was being read', async () => {
    const clock = new SimulatedClock();
    const journal = new HeldReadsJournal();
    const left = delivery({ url: 'http://receiver.test/left' });
    journal.enqueueDelivery(left); // left by an earlier run
    const { fetcher, release } = heldFetcher();
    const dispatcher = new Dispatcher({ sinks: standardSinks({ fetcher, browser: new RecordingBrowser() }), clock, journal });
    const fresh = delivery({ url: 'http://receiver.test/fresh', callGuid: 'new' });
    dispatcher.submit(fresh); // in the outbox and in flight before the scan starts
    await flush();
    const resumed = dispatcher.resume(); // the scan's first page is taken now: it holds both
    await flush();
    await release(); // `fresh` completes while the page is on its way
    expect(journal.pending().map((d) => d.id)).toEqual([left.id]);
    await journal.answerNext();
    await resumed;
    await release(); // `left`
    await expect(dispatcher.drain(1_000)).resolves.toBe(true);
    expect(fetcher.urls()).toEqual([fresh.url, left.url]); // each once
    expect(journal.size()).toBe(0);
  });

  it('reads again a parked origin when a delivery parked there while its last page was being read', async () => {
    const clock = new SimulatedClock();
    const journal = new HeldReadsJournal();
    const { fetcher, release } = heldFetcher();
    // One delivery in memory at a time: the third parks in the outbox.
    const dispatcher = new Dispatcher({ sinks: standardSinks({ fetcher, browser: new RecordingBrowser() }), clock, journal, maxQueued: 1, concurrency: 1 });
    const [d1, d2, d3, d4] = [1, 2, 3, 4].map((n) => delivery({ callGuid: `c${n}`, url: `http://receiver.test/${n}` }));
    for (const d of [d1!, d2!, d3!]) expect(dispatcher.submit(d)).toBe(true);
    expect(dispatcher.stats()).toMatchObject({ inFlight: 1, queued: 1, parked: 1 });
    await release(); // d1 done, d2 goes out; no room to read d3 yet
    expect(journal.held).toHaveLength(0);
    await release(); // d2 done: the parked origin is read; that page ends with d3 ('done')
    expect(journal.held.map((read) => read.origin)).toEqual(['http://receiver.test']);
    expect(dispatcher.submit(d4!)).toBe(true); // parks behind d3, after the page was taken
    await journal.answerNext();
    await release(); // d3
    // d4 is read back because it parked during the read, though that page said there was no more.
    while (journal.held.length > 0) await journal.answerNext();
    await release(); // d4
    await expect(dispatcher.drain(1_000)).resolves.toBe(true);
    expect(fetcher.urls()).toEqual([d1!.url, d2!.url, d3!.url, d4!.url]);
    expect(journal.size()).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { Dispatcher, standardSinks, type FetchResponse, type OutboxPage, type PendingDelivery } from '../../src/index.js';
import { SimulatedClock } from '@callhook/test-support';
import { delivery } from '../support/deliveries.js';
import { RecordingBrowser, RecordingFetcher } from '../support/fakes.js';
import { MemoryJournal } from '../support/memory-journal.js';

/**
 * A journal shared with another instance: entries leased to it (`foreign`) are not in this
 * instance's pages until `handOver()` (its lease ran out), as a PostgreSQL journal's claims behave.
 */
class SharedJournal extends MemoryJournal {
  readonly foreign = new Set<string>();
  private readonly listeners = new Set<() => void>();
  override async outboxAfter(after: number, limit: number, origin?: string): Promise<OutboxPage> {
    const page = await super.outboxAfter(after, limit, origin);
    return { ...page, entries: page.entries.filter((entry) => !this.foreign.has(entry.delivery.id)) };
  }
  onOutboxHandover(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  handOver(): void {
    this.foreign.clear();
    for (const listener of this.listeners) listener();
  }
  subscribers(): number {
    return this.listeners.size;
  }
}

describe('dispatcher outbox hand-over', () => {
  it('sends, once each, entries handed over below the cursor of an origin parked since', async () => {
    const clock = new SimulatedClock();
    const journal = new SharedJournal();
    const held: (() => void)[] = [];
    const fetcher = new RecordingFetcher(() => new Promise<FetchResponse>((resolve) => held.push(() => resolve({ status: 200 }))));
    const at = (name: string): PendingDelivery => delivery({ callGuid: name, url: `http://a.test/${name}` });
    // Another instance's entries, written first (low positions), under its lease.
    const theirs = ['f1', 'f2', 'f3'].map(at);
    for (const d of theirs) {
      journal.enqueueDelivery(d);
      journal.foreign.add(d.id);
    }
    const dispatcher = new Dispatcher({
      sinks: standardSinks({ fetcher, browser: new RecordingBrowser() }),
      clock,
      journal,
      maxQueued: 2,
      maxQueuedPerOrigin: 2,
      concurrency: 1,
      resumePageSize: 2,
    });
    await dispatcher.resume();
    expect(journal.subscribers()).toBe(1);
    // Ours: one in flight, two in memory, the rest parked; the origin's scan has read past the foreign rows.
    const ours = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6'].map(at);
    for (const d of ours) dispatcher.submit(d);
    await clock.advance(0);
    for (let sent = 0; sent < 2; sent++) {
      held.shift()!();
      await clock.advance(0);
    }
    expect(dispatcher.hasParked()).toBe(true);

    journal.handOver();
    for (let step = 0; step < 1_000 && journal.size() > 0; step++) {
      held.splice(0).forEach((release) => release());
      await clock.advance(0);
    }
    expect(journal.size()).toBe(0);
    const sent = fetcher.urls().sort();
    expect(sent).toEqual([...theirs, ...ours].map((d) => d.url).sort()); // each once, none lost
    dispatcher.halt();
    expect(journal.subscribers()).toBe(0);
  });
});

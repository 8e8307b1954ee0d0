import type { CallSnapshot, DeliveryRecord } from '@callhook/core';
import { expect, it } from 'vitest';
import type { ServerJournal } from '../../src/index.js';
import { pendingDelivery } from '../support/pending-delivery.js';

/** One storage the contract runs against, opened as often as a case needs (a reopen sees what was written). */
export interface JournalStorage {
  /** A journal over this storage. */
  open(options?: { keepDeliveries?: number; onBadEntry?: (entry: { position: number; id: string; reason: string }) => void }): ServerJournal;
  /** The outbox's ids in position order, read over a connection of the test's own (what is committed). */
  committedOutboxIds(): Promise<string[]>;
  /** Writes a raw outbox row over the test's own connection, as a damaged or foreign database would hold it. */
  putRawEntry(id: string, delivery: string): Promise<void>;
}

/** What each kind of journal gives the contract: a fresh, empty storage per case. */
export interface JournalKit {
  fresh(): Promise<JournalStorage>;
}

export const contractCall = (guid: string, createdAt: string): CallSnapshot => ({
  guid,
  lineId: 'default',
  direction: 'inbound',
  localParty: 'sip:303@x',
  localAlias: '303',
  remoteParty: '420',
  remoteAlias: '420',
  state: 'ended',
  holdState: 'off_hold',
  disposition: 'missed',
  createdAt,
  connectedAt: null,
  disconnectedAt: createdAt,
  quality: null,
  recording: false,
});

export const contractRecord = (callGuid: string, attempt: number): DeliveryRecord => ({
  deliveryId: `${callGuid}:inbound:0:1`,
  callGuid,
  action: 'inbound',
  slot: 0,
  url: 'http://x/',
  mode: 'http',
  attempt,
  outcome: 'delivered',
  status: 200,
  latencyMs: 3,
  error: null,
  at: attempt,
  final: true,
});

/**
 * The journal contract every kind of server journal passes (SQLite, PostgreSQL): the outbox across
 * reopening, history order, pruning, durability barriers, bounded batches, paging by origin and
 * quarantine of unusable rows. Call inside a `describe`.
 */
export function journalContract(kit: JournalKit): void {
  it('keeps the outbox across reopening until each delivery completes', async () => {
    const storage = await kit.fresh();
    const first = storage.open();
    const a = pendingDelivery('http://x/a');
    const b = pendingDelivery('http://x/b');
    first.enqueueDelivery(a);
    first.enqueueDelivery(b);
    first.enqueueDelivery(a);
    first.completeDelivery(b.id);
    await first.close();
    const second = storage.open();
    expect(await second.pendingDeliveries()).toEqual([a]);
    second.completeDelivery(a.id);
    expect(await second.pendingDeliveries()).toEqual([]);
    await second.close();
  });

  it('returns calls newest first and deliveries newest first, per call too', async () => {
    const journal = (await kit.fresh()).open();
    journal.recordCall(contractCall('g1', '2026-01-01T10:00:00.000Z'));
    journal.recordCall(contractCall('g2', '2026-01-01T11:00:00.000Z'));
    journal.recordCall({ ...contractCall('g1', '2026-01-01T10:00:00.000Z'), disposition: 'answered' });
    expect((await journal.recentCalls(10)).map((c) => [c.guid, c.disposition])).toEqual([
      ['g2', 'missed'],
      ['g1', 'answered'],
    ]);
    journal.recordDelivery(contractRecord('g1', 1));
    journal.recordDelivery(contractRecord('g2', 1));
    journal.recordDelivery(contractRecord('g1', 2));
    expect((await journal.recentDeliveries(10)).map((r) => [r.callGuid, r.attempt])).toEqual([
      ['g1', 2],
      ['g2', 1],
      ['g1', 1],
    ]);
    expect(await journal.recentDeliveries(1, 'g1')).toEqual([contractRecord('g1', 2)]);
    await journal.close();
  });

  it('prunes old history beyond its limits', async () => {
    const journal = (await kit.fresh()).open({ keepDeliveries: 100 });
    for (let i = 0; i < 2_500; i++) journal.recordDelivery(contractRecord(`g${i}`, 1));
    expect((await journal.recentDeliveries(10_000)).length).toBeLessThanOrEqual(600);
    expect((await journal.recentDeliveries(1))[0]!.callGuid).toBe('g2499');
    await journal.close();
  });

  it('tells when each outbox entry is durable, and has nothing to wait for once it is', async () => {
    const storage = await kit.fresh();
    const journal = storage.open();
    const a = pendingDelivery('http://x/a');
    const b = pendingDelivery('http://x/b');
    journal.enqueueDelivery(a);
    journal.enqueueDelivery(b);
    const durable = journal.outboxDurable!(a.id);
    expect(durable).toBeInstanceOf(Promise);
    await durable;
    // Committed means another connection sees it now, before any read on this one flushes.
    expect(await storage.committedOutboxIds()).toEqual([a.id, b.id]);
    expect(journal.outboxDurable!(b.id)).toBeUndefined(); // committed in the same batch
    expect(journal.outboxDurable!('never-enqueued')).toBeUndefined();
    await journal.close();
  });

  it('commits a storm of entries in bounded batches, each entry durable before it is reported so', async () => {
    const storage = await kit.fresh();
    const journal = storage.open();
    const deliveries = Array.from({ length: 2_000 }, (_, i) => pendingDelivery(`http://x/${i}`));
    for (const d of deliveries) journal.enqueueDelivery(d);
    await journal.outboxDurable!(deliveries[0]!.id);
    const afterFirst = (await storage.committedOutboxIds()).length;
    expect(afterFirst).toBeGreaterThan(0);
    expect(afterFirst).toBeLessThan(deliveries.length); // the first requests need not wait for the whole storm
    await journal.outboxDurable!(deliveries.at(-1)!.id);
    expect(await storage.committedOutboxIds()).toHaveLength(deliveries.length);
    await journal.close();
  });

  it('pages the outbox in order, of one origin when asked, never reusing a position', async () => {
    const journal = (await kit.fresh()).open();
    const a1 = pendingDelivery('http://a.test/1');
    const b1 = pendingDelivery('http://b.test/1');
    const a2 = pendingDelivery('https://a.test/2');
    const a3 = pendingDelivery('http://a.test:80/3');
    for (const d of [a1, b1, a2, a3]) journal.enqueueDelivery(d);
    const first = await journal.outboxAfter!(0, 2);
    expect(first.entries.map((e) => e.delivery.id)).toEqual([a1.id, b1.id]);
    expect(first.done).toBe(false);
    const rest = await journal.outboxAfter!(first.cursor, 10);
    expect(rest.entries.map((e) => e.delivery.id)).toEqual([a2.id, a3.id]);
    expect(rest.done).toBe(true);
    expect((await journal.outboxAfter!(0, 10, 'http://a.test')).entries.map((e) => e.delivery.id)).toEqual([a1.id, a3.id]);
    const positions = [...first.entries, ...rest.entries].map((e) => e.position);
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
    journal.completeDelivery(a3.id);
    const again = pendingDelivery('http://a.test/4');
    journal.enqueueDelivery(again);
    const last = (await journal.outboxAfter!(0, 10)).entries.at(-1)!;
    expect(last.delivery.id).toBe(again.id);
    expect(last.position).toBeGreaterThan(Math.max(...positions));
    await journal.close();
  });

  it('applies the writes of one batch as if one by one: an entry completed and written again goes to the end', async () => {
    const journal = (await kit.fresh()).open();
    const [a, b, c] = ['a', 'b', 'c'].map((name) => pendingDelivery(`http://x/${name}`));
    for (const d of [a!, b!, c!]) journal.enqueueDelivery(d);
    await journal.outboxDurable!(c!.id);
    // One batch (same turn): a completed and written again, b written again in place, c written then completed.
    journal.completeDelivery(a!.id);
    journal.enqueueDelivery({ ...a!, sequence: 99 });
    journal.enqueueDelivery({ ...b!, sequence: 98 });
    journal.enqueueDelivery(c!);
    journal.completeDelivery(c!.id);
    const page = await journal.outboxAfter!(0, 10);
    expect(page.entries.map((e) => [e.delivery.id, e.delivery.sequence])).toEqual([
      [b!.id, 98],
      [a!.id, 99],
    ]);
    await journal.close();
  });

  it('quarantines rows it cannot use, keeps them, reports each once, and serves the rest', async () => {
    const storage = await kit.fresh();
    const good = pendingDelivery('http://x/good');
    const first = storage.open();
    first.enqueueDelivery(good);
    await first.close();
    await storage.putRawEntry('wrong-shape', JSON.stringify({ id: 'wrong-shape', url: 42 }));
    await storage.putRawEntry('not-json', '{"id": "not-json", ');
    await storage.putRawEntry('bad-seal', 'v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    const bad: { id: string; reason: string }[] = [];
    const second = storage.open({ onBadEntry: (entry) => bad.push(entry) });
    expect(await second.pendingDeliveries()).toEqual([good]);
    expect(bad.map((b) => [b.id, b.reason])).toEqual([
      ['wrong-shape', expect.stringMatching(/^not a delivery: /)],
      ['not-json', expect.stringMatching(/^not JSON: /)],
      ['bad-seal', expect.stringMatching(/cannot unseal/)],
    ]);
    const report = await second.quarantinedEntries!();
    expect(report.count).toBe(3);
    expect(report.entries.map((e) => e.id)).toEqual(['wrong-shape', 'not-json', 'bad-seal']);
    expect((await second.outboxAfter!(0, 10)).entries.map((e) => e.delivery.id)).toEqual([good.id]);
    expect(bad).toHaveLength(3);
    await second.close();
    expect(await storage.committedOutboxIds()).toHaveLength(4); // kept for whoever looks
  });
}

import type { CallSnapshot, DeliveryRecord } from '@callhook/core';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, journalFile, SqliteJournal } from '../../src/index.js';
import { pendingDelivery } from '../support/pending-delivery.js';

const call = (guid: string, createdAt: string): CallSnapshot => ({
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

const record = (callGuid: string, attempt: number): DeliveryRecord => ({
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

describe('SqliteJournal', () => {
  it('keeps the outbox across reopening a file until each delivery completes', async () => {
    const file = journalFile(mkdtempSync(join(tmpdir(), 'callhook-journal-')));
    const first = new SqliteJournal(file);
    const a = pendingDelivery('http://x/a');
    const b = pendingDelivery('http://x/b');
    first.enqueueDelivery(a);
    first.enqueueDelivery(b);
    first.enqueueDelivery(a);
    first.completeDelivery(b.id);
    await first.close();
    const second = new SqliteJournal(file);
    expect(await second.pendingDeliveries()).toEqual([a]);
    second.completeDelivery(a.id);
    expect(await second.pendingDeliveries()).toEqual([]);
    await second.close();
  });

  it('returns calls newest first and deliveries newest first, per call too', async () => {
    const journal = new SqliteJournal(':memory:');
    journal.recordCall(call('g1', '2026-01-01T10:00:00.000Z'));
    journal.recordCall(call('g2', '2026-01-01T11:00:00.000Z'));
    journal.recordCall({ ...call('g1', '2026-01-01T10:00:00.000Z'), disposition: 'answered' });
    expect((await journal.recentCalls(10)).map((c) => [c.guid, c.disposition])).toEqual([
      ['g2', 'missed'],
      ['g1', 'answered'],
    ]);
    journal.recordDelivery(record('g1', 1));
    journal.recordDelivery(record('g2', 1));
    journal.recordDelivery(record('g1', 2));
    expect((await journal.recentDeliveries(10)).map((r) => [r.callGuid, r.attempt])).toEqual([
      ['g1', 2],
      ['g2', 1],
      ['g1', 1],
    ]);
    expect(await journal.recentDeliveries(1, 'g1')).toEqual([record('g1', 2)]);
    await journal.close();
  });

  it('prunes old history beyond its limits', async () => {
    const journal = new SqliteJournal(':memory:', { keepDeliveries: 100 });
    for (let i = 0; i < 2_500; i++) journal.recordDelivery(record(`g${i}`, 1));
    expect((await journal.recentDeliveries(10_000)).length).toBeLessThanOrEqual(600);
    expect((await journal.recentDeliveries(1))[0]!.callGuid).toBe('g2499');
    await journal.close();
  });

  it('says why a file cannot be opened, and fails a wait for the outbox instead of hanging', async () => {
    const errors: Error[] = [];
    const journal = new SqliteJournal('/nonexistent-dir/callhook.db', { onWriteError: (e) => errors.push(e) });
    const a = pendingDelivery('http://x/a');
    journal.enqueueDelivery(a);
    await expect(journal.outboxDurable(a.id)).rejects.toThrow(/journal \/nonexistent-dir\/callhook.db: write failed: .*directory does not exist/);
    await expect(journal.opened()).rejects.toThrow(/journal \/nonexistent-dir\/callhook.db: .*directory does not exist/);
    await expect(journal.recentCalls(1)).rejects.toThrow(/directory does not exist/);
    expect(errors).toHaveLength(1);
    await journal.close();
  });

  it('tells when each outbox entry is durable, and has nothing to wait for once it is', async () => {
    const file = journalFile(mkdtempSync(join(tmpdir(), 'callhook-journal-')));
    const journal = new SqliteJournal(file);
    const a = pendingDelivery('http://x/a');
    const b = pendingDelivery('http://x/b');
    journal.enqueueDelivery(a);
    journal.enqueueDelivery(b);
    const durable = journal.outboxDurable(a.id);
    expect(durable).toBeInstanceOf(Promise);
    await durable;
    // Committed means another connection sees it now, before any read on this one flushes.
    const reader = new Database(file, { readonly: true });
    expect(reader.prepare('SELECT id FROM outbox_entries ORDER BY position').pluck().all()).toEqual([a.id, b.id]);
    reader.close();
    expect(journal.outboxDurable(b.id)).toBeUndefined(); // committed in the same batch
    expect(journal.outboxDurable('never-enqueued')).toBeUndefined();
    await journal.close();
  });

  it('commits a storm of entries in bounded batches, each entry durable before it is reported so', async () => {
    const file = journalFile(mkdtempSync(join(tmpdir(), 'callhook-journal-')));
    const journal = new SqliteJournal(file);
    const deliveries = Array.from({ length: 2_000 }, (_, i) => pendingDelivery(`http://x/${i}`));
    for (const d of deliveries) journal.enqueueDelivery(d);
    await journal.outboxDurable(deliveries[0]!.id);
    const reader = new Database(file, { readonly: true });
    const count = reader.prepare('SELECT COUNT(*) FROM outbox_entries').pluck();
    const afterFirst = count.get() as number;
    expect(afterFirst).toBeGreaterThan(0);
    expect(afterFirst).toBeLessThan(deliveries.length); // the first requests need not wait for the whole storm
    await journal.outboxDurable(deliveries.at(-1)!.id);
    expect(count.get()).toBe(deliveries.length);
    reader.close();
    await journal.close();
  });

  it('tells a delivery asking after its batch failed that its entry was not written', async () => {
    const journal = new SqliteJournal('/nonexistent-dir/callhook.db');
    const a = pendingDelivery('http://x/a');
    const b = pendingDelivery('http://x/b');
    journal.enqueueDelivery(a);
    journal.enqueueDelivery(b);
    await expect(journal.outboxDurable(a.id)).rejects.toThrow(/write failed/);
    // b's batch is settled by now: it must hear of the failure too, not go out as if durable.
    await expect(journal.outboxDurable(b.id)).rejects.toThrow(/write failed/);
    await journal.close();
  });

  it('gives up on a worker that does not answer in time, and never hands out a late answer', async () => {
    const file = journalFile(mkdtempSync(join(tmpdir(), 'callhook-journal-')));
    const errors: Error[] = [];
    // Only reads get the small budget: opening has its own (default) one, and the worker waits for the
    // lock below until the test lets go of it, so its silence does not depend on how busy the machine is.
    const journal = new SqliteJournal(file, { replyTimeoutMs: 300, busyTimeoutMs: 600_000, onWriteError: (e) => errors.push(e) });
    await journal.opened();
    // Another connection holds the write lock, so the worker's next batch waits on SQLite's busy timeout.
    const blocker = new Database(file);
    blocker.exec('BEGIN IMMEDIATE');
    try {
      journal.recordCall(call('g1', '2026-01-01T10:00:00.000Z'));
      await expect(journal.recentCalls(1)).rejects.toThrow(/no answer from its worker within 0.3 s/);
      await expect(journal.recentDeliveries(1)).rejects.toThrow(/no answer from its worker/);
      expect(errors.map((e) => e.message)).toEqual([`journal ${file}: no answer from its worker within 0.3 s`]);
      await journal.close(); // does not wait again
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
  });

  it('answers reads by message: the event loop runs while the worker is held up, and the read still sees the write before it', async () => {
    const file = journalFile(mkdtempSync(join(tmpdir(), 'callhook-journal-')));
    const journal = new SqliteJournal(file, { busyTimeoutMs: 600_000 });
    await journal.opened();
    const blocker = new Database(file);
    blocker.exec('BEGIN IMMEDIATE'); // the worker's next batch waits for this lock
    let settled = false;
    let read: Promise<CallSnapshot[]>;
    try {
      journal.recordCall(call('g1', '2026-01-01T10:00:00.000Z'));
      read = journal.recentCalls(10);
      void read.finally(() => (settled = true));
      // Timers and I/O go on while the read waits (a blocking wait would hold them until the lock went).
      for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(settled).toBe(false);
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    expect((await read).map((c) => c.guid)).toEqual(['g1']);
    await journal.close();
  });

  it('defaults to the XDG data directory', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/data' })).toBe('/data/callhook');
    expect(defaultDataDir({ HOME: '/home/x' })).toMatch(/\.local\/share\/callhook$/);
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative' })).toMatch(/\.local\/share\/callhook$/);
    expect(journalFile(':memory:')).toBe(':memory:');
  });
});

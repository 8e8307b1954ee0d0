import type { CallSnapshot } from '@callhook/core';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, journalFile, SqliteJournal } from '../../src/index.js';
import { pendingDelivery } from '../support/pending-delivery.js';
import { contractCall as call, contractRecord, journalContract, type JournalKit } from './journal-contract.js';

/** SQLite storage for the journal contract: a file in a fresh data directory (opened at once, or on first use). */
const sqliteKit = (openOnFirstUse: boolean): JournalKit => ({
  async fresh() {
    const file = journalFile(mkdtempSync(join(tmpdir(), 'callhook-journal-')));
    const raw = <T>(use: (db: Database.Database) => T): T => {
      const db = new Database(file);
      try {
        return use(db);
      } finally {
        db.close();
      }
    };
    return {
      open: (options) => new SqliteJournal(file, { ...options, openOnFirstUse }),
      committedOutboxIds: async () => raw((db) => db.prepare('SELECT id FROM outbox_entries ORDER BY position').pluck().all() as string[]),
      putRawEntry: async (id, delivery) => {
        raw((db) => db.prepare('INSERT INTO outbox_entries (id, origin, created_at, delivery) VALUES (?, ?, ?, ?)').run(id, 'http://x', 1, delivery));
      },
    };
  },
});

describe('SqliteJournal: the journal contract', () => {
  journalContract(sqliteKit(false));
});

describe('SqliteJournal opened on first use: the journal contract', () => {
  journalContract(sqliteKit(true));
});

describe('SqliteJournal with openOnFirstUse', () => {
  it('starts no worker and makes no file until the first write; a file left with pending deliveries is opened at once and read back', async () => {
    const file = journalFile(mkdtempSync(join(tmpdir(), 'callhook-journal-')));
    const first = new SqliteJournal(file, { openOnFirstUse: true });
    await first.readyToServe();
    // What start-up reads answers as an empty journal, without opening anything.
    expect(await first.outboxAfter(0, 10)).toEqual({ entries: [], cursor: 0, done: true });
    expect(await first.recentCalls(10)).toEqual([]);
    expect(await first.recentDeliveries(10)).toEqual([]);
    expect(await first.quarantinedEntries()).toEqual({ count: 0, entries: [] });
    expect(await first.removeOlderThan(Date.now())).toEqual({ calls: 0, deliveries: 0 });
    expect(first.started).toBe(false);
    expect(existsSync(file)).toBe(false);
    // The first write opens it, and the delivery is in the outbox before it may go.
    const a = pendingDelivery('http://x/a');
    first.enqueueDelivery(a);
    expect(first.started).toBe(true);
    await first.outboxDurable(a.id);
    expect(existsSync(file)).toBe(true);
    expect((await first.pendingDeliveries()).map((d) => d.id)).toEqual([a.id]);
    await first.close();

    const second = new SqliteJournal(file, { openOnFirstUse: true });
    try {
      expect(second.started).toBe(true);
      await second.readyToServe();
      expect((await second.pendingDeliveries()).map((d) => d.id)).toEqual([a.id]);
    } finally {
      await second.close();
    }
  });

  it('still stops start-up when the file could not be made, saying why', async () => {
    const journal = new SqliteJournal('/nonexistent-dir/callhook.db', { openOnFirstUse: true });
    await expect(journal.readyToServe()).rejects.toThrow(/journal \/nonexistent-dir\/callhook.db: .*directory does not exist/);
    await journal.close();
  });

  it('closes without ever starting when nothing was written, and refuses reads afterwards', async () => {
    const journal = new SqliteJournal(':memory:', { openOnFirstUse: true });
    await journal.readyToServe();
    expect(journal.started).toBe(false);
    await journal.close();
    expect(journal.started).toBe(false);
    await expect(journal.recentCalls(1)).rejects.toThrow(/journal :memory: is closed/);
  });
});

describe('SqliteJournal', () => {
  it('group commit: entries written soon after a batch wait for the next one, which the window, a read or close sends, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callhook-journal-'));
    const turn = () => new Promise<void>((r) => setImmediate(r));
    // A window no test waits out: only a read (or close) sends what waits.
    const held = new SqliteJournal(journalFile(dir), { groupCommitMs: 600_000 });
    const [a, b, c] = [pendingDelivery('http://x/a'), pendingDelivery('http://x/b'), pendingDelivery('http://x/c')];
    held.enqueueDelivery(a);
    await held.outboxDurable(a.id); // an idle journal adds no wait
    held.enqueueDelivery(b);
    let bCommitted = false;
    void Promise.resolve(held.outboxDurable(b.id)).then(() => (bCommitted = true)); // undefined: durable already
    await turn();
    held.enqueueDelivery(c);
    const later = Promise.all([held.outboxDurable(b.id), held.outboxDurable(c.id)]);
    // Held by the window: one batch per turn (no group commit) committed b within milliseconds.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(bCommitted).toBe(false);
    expect((await held.pendingDeliveries()).map((d) => d.id)).toEqual([a.id, b.id, c.id]);
    await later;
    held.completeDelivery(a.id);
    held.enqueueDelivery(pendingDelivery('http://x/d'));
    await held.close();
    // A short window sends by itself.
    const reopened = new SqliteJournal(journalFile(dir), { groupCommitMs: 50 });
    expect((await reopened.pendingDeliveries()).map((d) => d.url)).toEqual(['http://x/b', 'http://x/c', 'http://x/d']);
    const e = pendingDelivery('http://x/e');
    reopened.enqueueDelivery(e);
    await reopened.outboxDurable(e.id);
    const f = pendingDelivery('http://x/f');
    reopened.enqueueDelivery(f);
    await reopened.outboxDurable(f.id);
    await reopened.close();
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

  it("keeps SQLite's page cache small however large the file grows, and reports the worker's heap", async () => {
    const file = journalFile(mkdtempSync(join(tmpdir(), 'callhook-journal-')));
    const journal = new SqliteJournal(file, { openOnFirstUse: true });
    expect(await journal.workerMemory()).toBeNull(); // no worker yet: nothing to report
    // A file well past the cache's limit (about 2 KiB a call, as the history of a busy line writes it).
    const padding = 'x'.repeat(2_000);
    for (let i = 0; i < 3_000; i++) journal.recordCall({ ...call(`g${i}`, new Date(1_700_000_000_000 + i).toISOString()), remoteAlias: padding });
    expect(await journal.recentCalls(1)).toHaveLength(1);
    const memory = await journal.workerMemory();
    await journal.close();
    expect(statSync(file).size).toBeGreaterThan(4 * 1024 * 1024);
    // better-sqlite3 builds SQLite with a 16,000 KiB cache, which a growing file filled call by call.
    expect(memory?.pageCacheLimitKiB).toBeLessThanOrEqual(2_048);
    expect(memory?.heapUsedBytes).toBeGreaterThan(0);
    expect(memory!.heapTotalBytes).toBeGreaterThanOrEqual(memory!.heapUsedBytes);
  });

  it('writes a batch of many ops of each kind with the outcome of writing them one by one: order, overwrites and completions', async () => {
    const file = journalFile(mkdtempSync(join(tmpdir(), 'callhook-journal-')));
    const journal = new SqliteJournal(file);
    await journal.opened();
    // One event-loop turn, so one batch: more rows of each kind than one multi-row statement takes.
    const entries = Array.from({ length: 40 }, (_, i) => pendingDelivery(`http://x/${i}`));
    for (const d of entries) journal.enqueueDelivery(d);
    for (const d of entries.slice(0, 20)) journal.completeDelivery(d.id);
    journal.enqueueDelivery(entries[3]!); // completed, then written again: it goes to the end
    journal.enqueueDelivery({ ...entries[30]!, url: 'http://x/30-again' }); // overwritten in place
    for (let i = 0; i < 37; i++) journal.recordDelivery(contractRecord(`g${i % 3}`, i + 1));
    for (let i = 0; i < 20; i++) journal.recordCall(call(`c${i}`, new Date(1_700_000_000_000 + i).toISOString()));
    journal.recordCall({ ...call('c5', new Date(1_700_000_000_005).toISOString()), remoteParty: 'last' });
    await journal.outboxDurable(entries[39]!.id);
    const page = await journal.outboxAfter(0, 100);
    expect(page.entries.map((e) => e.delivery.url)).toEqual([
      ...entries.slice(20, 30).map((d) => d.url),
      'http://x/30-again',
      ...entries.slice(31).map((d) => d.url),
      'http://x/3',
    ]);
    expect((await journal.recentDeliveries(100)).map((r) => r.attempt)).toEqual(Array.from({ length: 37 }, (_, i) => 37 - i));
    const calls = await journal.recentCalls(100);
    expect(calls).toHaveLength(20);
    expect(calls.find((c) => c.guid === 'c5')?.remoteParty).toBe('last');
    await journal.close();
  });

  it('defaults to the XDG data directory', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/data' })).toBe('/data/callhook');
    expect(defaultDataDir({ HOME: '/home/x' })).toMatch(/\.local\/share\/callhook$/);
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative' })).toMatch(/\.local\/share\/callhook$/);
    expect(journalFile(':memory:')).toBe(':memory:');
  });
});

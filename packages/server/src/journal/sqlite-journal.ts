import type { CallSnapshot, DeliveryRecord, Journal, PendingDelivery } from '@callhook/core';
import Database from 'better-sqlite3';
import type { History } from './history.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS calls (guid TEXT PRIMARY KEY, created_at TEXT NOT NULL, snapshot TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS deliveries (seq INTEGER PRIMARY KEY AUTOINCREMENT, call_guid TEXT NOT NULL, record TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS deliveries_by_call ON deliveries (call_guid);
  CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, delivery TEXT NOT NULL);
`;

export interface SqliteJournalOptions {
  /** Rows kept in the call history and the delivery log; older ones are pruned. */
  keepCalls?: number;
  keepDeliveries?: number;
}

/**
 * Core's Journal in SQLite: call history, delivery log and the outbox. WAL with synchronous=NORMAL
 * keeps every committed write across a crash of the process (kill -9), which is what the outbox needs.
 *
 * Writes are batched into one transaction per event-loop turn, in order. The fetcher calls `flushOutbox()`
 * before every request (see `startServer`), so an outbox entry is always committed before its first
 * attempt. A crash can lose the last turn's log lines, or resend a delivery that had just completed
 * (at-least-once, same Idempotency-Key); it never loses a delivery that was attempted.
 */
export class SqliteJournal implements Journal, History {
  private readonly db: Database.Database;
  private readonly statements;
  private writesSincePrune = 0;
  private batch: (() => void)[] = [];
  private unflushedEnqueues = 0;
  private flushScheduled: NodeJS.Immediate | null = null;
  private readonly flushBatch: () => void;
  private readonly keepCalls: number;
  private readonly keepDeliveries: number;

  constructor(readonly file: string, options: SqliteJournalOptions = {}) {
    this.keepCalls = options.keepCalls ?? 10_000;
    this.keepDeliveries = options.keepDeliveries ?? 50_000;
    this.db = new Database(file);
    if (file !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.statements = {
      putCall: this.db.prepare('INSERT OR REPLACE INTO calls (guid, created_at, snapshot) VALUES (?, ?, ?)'),
      addDelivery: this.db.prepare('INSERT INTO deliveries (call_guid, record) VALUES (?, ?)'),
      enqueue: this.db.prepare('INSERT OR REPLACE INTO outbox (id, created_at, delivery) VALUES (?, ?, ?)'),
      complete: this.db.prepare('DELETE FROM outbox WHERE id = ?'),
      pending: this.db.prepare('SELECT delivery FROM outbox ORDER BY created_at, rowid'),
      calls: this.db.prepare('SELECT snapshot FROM calls ORDER BY created_at DESC LIMIT ?'),
      deliveries: this.db.prepare('SELECT record FROM deliveries ORDER BY seq DESC LIMIT ?'),
      deliveriesOfCall: this.db.prepare('SELECT record FROM deliveries WHERE call_guid = ? ORDER BY seq DESC LIMIT ?'),
      pruneCalls: this.db.prepare('DELETE FROM calls WHERE guid NOT IN (SELECT guid FROM calls ORDER BY created_at DESC LIMIT ?)'),
      pruneDeliveries: this.db.prepare('DELETE FROM deliveries WHERE seq <= (SELECT MAX(seq) FROM deliveries) - ?'),
    };
    this.flushBatch = this.db.transaction(() => {
      const writes = this.batch;
      this.batch = [];
      this.unflushedEnqueues = 0;
      for (const write of writes) write();
    });
  }

  /** Commits now if an outbox entry is still waiting: the fetcher's barrier before each request. */
  flushOutbox(): void {
    if (this.unflushedEnqueues > 0) this.flush();
  }

  /** Writes batched records and completions now (reads and close call it first). */
  flush(): void {
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = null;
    if (this.batch.length > 0 && this.db.open) this.flushBatch();
  }

  private later(write: () => void): void {
    this.batch.push(write);
    this.flushScheduled ??= setImmediate(() => this.flush());
  }

  recordCall(snapshot: CallSnapshot): void {
    this.statements.putCall.run(snapshot.guid, snapshot.createdAt, JSON.stringify(snapshot));
    this.maybePrune();
  }

  recordDelivery(record: DeliveryRecord): void {
    const json = JSON.stringify(record);
    this.later(() => {
      this.statements.addDelivery.run(record.callGuid, json);
      this.maybePrune();
    });
  }

  enqueueDelivery(delivery: PendingDelivery): void {
    const json = JSON.stringify(delivery);
    this.unflushedEnqueues++;
    this.later(() => this.statements.enqueue.run(delivery.id, delivery.createdAt, json));
  }

  completeDelivery(id: string): void {
    this.later(() => this.statements.complete.run(id));
  }

  pendingDeliveries(): PendingDelivery[] {
    this.flush();
    return this.statements.pending.all().map((row) => JSON.parse((row as { delivery: string }).delivery) as PendingDelivery);
  }

  recentCalls(limit: number): CallSnapshot[] {
    this.flush();
    return this.statements.calls.all(limit).map((row) => JSON.parse((row as { snapshot: string }).snapshot) as CallSnapshot);
  }

  recentDeliveries(limit: number, callGuid?: string): DeliveryRecord[] {
    this.flush();
    const rows = callGuid === undefined ? this.statements.deliveries.all(limit) : this.statements.deliveriesOfCall.all(callGuid, limit);
    return rows.map((row) => JSON.parse((row as { record: string }).record) as DeliveryRecord);
  }

  close(): void {
    this.flush();
    if (this.db.open) this.db.close();
  }

  private maybePrune(): void {
    if (++this.writesSincePrune < 1_000) return;
    this.writesSincePrune = 0;
    this.statements.pruneCalls.run(this.keepCalls);
    this.statements.pruneDeliveries.run(this.keepDeliveries);
  }
}

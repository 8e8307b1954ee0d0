import {
  maskCredentials,
  readStoredDelivery,
  type CallSnapshot,
  type Clock,
  type DeliveryRecord,
  type OutboxPage,
  type PendingDelivery,
  type TimerHandle,
} from '@callhook/core';
import { systemClock } from '@callhook/node';
import type { Kysely } from 'kysely';
import { hostname } from 'node:os';
import type { ServerJournal } from './journal-factory.js';
import { callOp, enqueueOp, recordOp, type JournalOp, type JournalQuery, type QuarantineReport, type RawOutboxPage } from './journal-protocol.js';
import type { JournalTables } from './journal-schema.js';
import type { createJournalStore } from './journal-store.js';
import { outboxKey } from './outbox-seal.js';
import type { RetentionResult } from './retention.js';
import { WriteSequence } from './write-sequence.js';

/** Options of a `PostgresJournal`. */
export interface PostgresJournalOptions {
  /** `postgres://user:password@host:port/database` (libpq's URL form; `?host=/socket/dir` for a unix socket). */
  url: string;
  /**
   * This instance's name in the shared database: the owner of its leases and the `instance` of its
   * history rows. Unique among the instances running at once; keeping it across restarts lets an
   * instance take its own entries back at once instead of after their lease. Default `<hostname>-<pid>`.
   */
  instance?: string;
  /** How long a lease on an outbox entry lasts unless renewed (default 30 s); renewed every third of it. */
  leaseMs?: number;
  /** The file holding the key that seals outbox entries; every instance sharing the database needs the same one. */
  keyFile: string;
  /** Rows kept in the call history and the delivery log; older ones are pruned. */
  keepCalls?: number;
  keepDeliveries?: number;
  /** Connections kept open (default 4): one writes and claims, the rest answer history reads. */
  poolSize?: number;
  /** How long connecting may take (default 10 s). */
  connectTimeoutMs?: number;
  /** A batch of writes failed (the database went away…). Deliveries go on; this is where to say so. */
  onWriteError?: (error: Error) => void;
  /** An outbox entry could not be used: it is kept, marked quarantined, never sent; this is where to say so. */
  onBadEntry?: (entry: { position: number; id: string; reason: string }) => void;
  /** Times lease renewals (default: the system clock). */
  clock?: Clock;
}

/** The default lease on an outbox entry. */
export const DEFAULT_LEASE_MS = 30_000;

/** `<hostname>-<pid>`: unique among the processes running at once. */
export function defaultInstanceName(): string {
  return `${hostname()}-${process.pid}`;
}

type Store = ReturnType<typeof createJournalStore>;

/** The Kysely database over a pg pool, with both libraries loaded on first use. */
async function connect(options: PostgresJournalOptions, instance: string, onPoolError: (error: Error) => void): Promise<Kysely<JournalTables>> {
  const [{ Kysely, PostgresDialect }, { default: pg }] = await Promise.all([import('kysely'), import('pg')]);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: Math.max(2, options.poolSize ?? 4),
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: `callhook ${instance}`.slice(0, 63),
  });
  // An idle connection the server ends (a restart) is dropped from the pool; the next query opens another.
  pool.on('error', onPoolError);
  return new Kysely<JournalTables>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Core's Journal in PostgreSQL, for several instances sharing one call history, delivery log and
 * outbox. Same schema, migrations and queries as the SQLite journal (Kysely's PostgreSQL dialect over
 * the `pg` driver); outbox entries sealed at rest with the same key on every instance.
 *
 * Each outbox entry carries a lease: the entries an instance writes are leased to it, and every
 * outbox page it reads claims what it returns (its own entries, and entries whose lease ran out
 * because their instance stopped) with `FOR UPDATE SKIP LOCKED`, so no two instances claim one
 * entry. A timer renews this instance's leases every third of the lease and, when some other lease
 * has run out, tells the dispatcher (`onOutboxHandover`) to read its outbox again: the entries of an
 * instance that died are finished by another, with the same Idempotency-Key (at-least-once).
 *
 * Writes, outbox pages and renewals run in one ordered sequence on one connection, so a read sees
 * every write made before it and a renewal never locks rows a page is claiming.
 */
export class PostgresJournal implements ServerJournal {
  /** This instance's name (lease owner, `instance` of its rows). */
  readonly instance: string;
  /** The URL with its password masked, for messages. */
  readonly where: string;
  private readonly leaseMs: number;
  private readonly clock: Clock;
  private readonly onBadEntry: NonNullable<PostgresJournalOptions['onBadEntry']>;
  /** Kysely and pg are loaded with the first connection: a server on SQLite never loads them. */
  private readonly db: Promise<Kysely<JournalTables>>;
  private readonly writes: WriteSequence<JournalOp>;
  private readonly openReply: Promise<Store>;
  private store: Store | null = null;
  private readonly handoverListeners = new Set<() => void>();
  private renewTimer: TimerHandle | null = null;
  private closed = false;

  constructor(options: PostgresJournalOptions) {
    this.instance = options.instance ?? defaultInstanceName();
    this.where = maskCredentials(options.url);
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.clock = options.clock ?? systemClock;
    this.onBadEntry = options.onBadEntry ?? (() => undefined);
    const onWriteError = options.onWriteError ?? (() => undefined);
    this.db = connect(options, this.instance, (error) => onWriteError(new Error(`journal ${this.where}: connection lost: ${error.message}`)));
    this.db.catch(() => undefined); // reported by `opened()` through `open`
    this.writes = new WriteSequence<JournalOp>({
      apply: async (ops) => (await this.openReply).writeBatch(ops),
      describe: (message) => new Error(`journal ${this.where}: write failed: ${message}`),
      onError: onWriteError,
    });
    this.openReply = this.open(options);
    this.openReply.catch(() => undefined); // reported by `opened()` and by every read
  }

  private async open(options: PostgresJournalOptions): Promise<Store> {
    try {
      const key = outboxKey(options.keyFile);
      const [db, { sql }, { migrateJournal }, { checkOutboxKey }, { createJournalStore }] = await Promise.all([
        this.db,
        import('kysely'),
        import('./journal-migrations.js'),
        import('./outbox-key-check.js'),
        import('./journal-store.js'),
      ]);
      await migrateJournal(db, { key, dialect: 'postgres' });
      await checkOutboxKey(db, key, options.keyFile);
      const store = createJournalStore(db, {
        key,
        keepCalls: options.keepCalls ?? 10_000,
        keepDeliveries: options.keepDeliveries ?? 50_000,
        instance: this.instance,
        coalesce: true,
        lease: { owner: this.instance, until: sql`now() + ${sql.lit(this.leaseMs)} * interval '1 millisecond'` },
      });
      this.store = store;
      if (!this.closed) this.scheduleRenewal();
      return store;
    } catch (error) {
      throw new Error(`journal ${this.where}: ${maskCredentials((error as Error).message)}`);
    }
  }

  recordCall(snapshot: CallSnapshot): void {
    if (!this.closed) this.writes.write(callOp(snapshot));
  }

  recordDelivery(record: DeliveryRecord): void {
    if (!this.closed) this.writes.write(recordOp(record));
  }

  enqueueDelivery(delivery: PendingDelivery): void {
    if (!this.closed) this.writes.write(enqueueOp(delivery), delivery.id);
  }

  completeDelivery(id: string): void {
    if (!this.closed) this.writes.write(['complete', id]);
  }

  /** Settles once the outbox entry of `deliveryId` is committed; undefined when it already is (or was never written here). */
  outboxDurable(deliveryId: string): Promise<void> | undefined {
    return this.writes.durable(deliveryId);
  }

  /** Every usable outbox entry this instance may send (its own, and those whose lease ran out), in outbox order. */
  async pendingDeliveries(): Promise<PendingDelivery[]> {
    const all: PendingDelivery[] = [];
    for (let after = 0; ;) {
      const page = await this.outboxAfter(after, 1_000);
      all.push(...page.entries.map((entry) => entry.delivery));
      if (page.done) return all;
      after = page.cursor;
    }
  }

  /**
   * Core's outbox paging, claiming each entry it returns for this instance (see the class). Rows that
   * cannot be used are quarantined (kept, marked, reported to `onBadEntry`) and left out.
   */
  async outboxAfter(after: number, limit: number, origin?: string): Promise<OutboxPage> {
    const query: JournalQuery = origin === undefined ? { query: 'page', after, limit } : { query: 'page', after, limit, origin };
    const page = (await this.inSequence((store) => store.query(query))) as RawOutboxPage;
    const entries: OutboxPage['entries'] = [];
    for (const row of page.rows) {
      const read = 'text' in row ? readStoredDelivery(row.text) : { ok: false as const, reason: row.error };
      if (read.ok && read.delivery.id === row.id) entries.push({ position: row.position, delivery: read.delivery });
      else this.quarantine(row.position, row.id, read.ok ? `its id ${JSON.stringify(read.delivery.id)} is not the row's` : read.reason);
    }
    return { entries, cursor: page.rows.at(-1)?.position ?? after, done: page.done };
  }

  /** Calls `listener` when entries another instance leased may now be claimed (its lease ran out). */
  onOutboxHandover(listener: () => void): () => void {
    this.handoverListeners.add(listener);
    return () => this.handoverListeners.delete(listener);
  }

  async quarantinedEntries(limit = 20): Promise<QuarantineReport> {
    return (await this.read((store) => store.query({ query: 'quarantined', limit }))) as QuarantineReport;
  }

  /** The calls of every instance sharing the database, newest first. */
  async recentCalls(limit: number): Promise<CallSnapshot[]> {
    return (await this.read((store) => store.query({ query: 'calls', limit }))) as CallSnapshot[];
  }

  /** The delivery attempts of every instance sharing the database, newest first. */
  async recentDeliveries(limit: number, callGuid?: string): Promise<DeliveryRecord[]> {
    const query: JournalQuery = callGuid === undefined ? { query: 'deliveries', limit } : { query: 'deliveries', limit, callGuid };
    return (await this.read((store) => store.query(query))) as DeliveryRecord[];
  }

  /**
   * Retention (`journal.keepDays`): removes call-history and delivery-log rows older than `before`
   * (epoch ms) for every instance sharing the database, after this instance's writes before it; the
   * outbox is never touched. Instances may run it at once: each pass deletes in its own transaction.
   * The delivery log is read in the order rows were written (as the SQLite journal does) up to the first
   * row that is not old yet: with several instances writing, a row of one written just after a newer row
   * of another goes at the next hourly pass that finds everything before it old.
   */
  async removeOlderThan(before: number): Promise<RetentionResult> {
    return (await this.inSequence((store) => store.query({ query: 'removeOlderThan', before }))) as RetentionResult;
  }

  /** Settles once connected and migrated; rejects in one line (URL password masked) when not. */
  async opened(): Promise<void> {
    await this.openReply;
  }

  /**
   * Writes what is pending, lets go of this instance's leases (another instance may take the entries
   * left at once, rather than when the lease would have run out) and closes the connections.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.renewTimer !== null) this.clock.clearTimeout(this.renewTimer);
    this.renewTimer = null;
    this.handoverListeners.clear();
    try {
      const store = await this.openReply;
      await this.writes.flush();
      await this.writes.after(() => store.releaseLeases());
    } catch {
      // Nothing to write to a database that never opened, or one that went away: leases run out on their own.
    }
    const db = await this.db.catch(() => null);
    await db?.destroy();
  }

  private quarantine(position: number, id: string, reason: string): void {
    this.writes.write(['quarantine', position, reason]);
    this.onBadEntry({ position, id, reason });
  }

  /** Runs `work` after every write made before it, in the sequence (pages, renewals). */
  private async inSequence<T>(work: (store: Store) => Promise<T>): Promise<T> {
    const store = await this.openReply;
    if (this.closed) throw new Error(`journal ${this.where} is closed`);
    return this.writes.after(() => work(store));
  }

  /** A history read: waits for the writes made before it, then runs on a connection of its own. */
  private async read<T>(work: (store: Store) => Promise<T>): Promise<T> {
    const store = await this.openReply;
    if (this.closed) throw new Error(`journal ${this.where} is closed`);
    await this.writes.flush();
    return work(store);
  }

  /** Renews this instance's leases every third of the lease; says so when another's ran out. */
  private scheduleRenewal(): void {
    this.renewTimer = this.clock.setTimeout(
      () => {
        this.renewTimer = null;
        void this.renew().finally(() => {
          if (!this.closed) this.scheduleRenewal();
        });
      },
      Math.max(1, Math.floor(this.leaseMs / 3)),
    );
  }

  private handOver(): void {
    for (const listener of this.handoverListeners) {
      try {
        listener();
      } catch (error) {
        this.writes.report(new Error(`journal ${this.where}: outbox hand-over listener failed: ${(error as Error).message}`));
      }
    }
  }

  private async renew(): Promise<void> {
    try {
      const expired = await this.inSequence(async (store) => {
        await store.renewLeases();
        return store.leasesExpired();
      });
      if (expired && !this.closed) this.handOver();
    } catch (error) {
      if (!this.closed) this.writes.report(new Error(`journal ${this.where}: lease renewal failed: ${(error as Error).message}`));
    }
  }
}

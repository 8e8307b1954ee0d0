import {
  readStoredDelivery,
  type CallSnapshot,
  type Clock,
  type DeliveryRecord,
  type Journal,
  type OutboxPage,
  type PendingDelivery,
  type TimerHandle,
} from '@callhook/core';
import { systemClock } from '@callhook/node';
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { History } from './history.js';
import type { RetentionResult } from './retention.js';
import {
  callOp,
  enqueueOp,
  FATAL_CALL,
  OPEN_CALL,
  recordOp,
  type BatchOutcome,
  type JournalOp,
  type JournalQuery,
  type QuarantineReport,
  type RawOutboxPage,
  type Reply,
  type ToWorker,
  type WorkerMemory,
  type WorkerSetup,
} from './journal-protocol.js';

export interface SqliteJournalOptions {
  /** Rows kept in the call history and the delivery log; older ones are pruned. */
  keepCalls?: number;
  keepDeliveries?: number;
  /** A batch of writes failed (disk full, file removed…). Deliveries go on; this is where to say so. */
  onWriteError?: (error: Error) => void;
  /** How long a read (a query) may wait for the worker's answer before the worker is declared broken (default 30 s). */
  replyTimeoutMs?: number;
  /**
   * How long opening the file (loading SQLite, the integrity check, the schema migrations) and closing
   * it may take (default 30 s). Separate from `replyTimeoutMs` so a test can give reads a small budget
   * without making the open race a busy machine.
   */
  openTimeoutMs?: number;
  /** How long the worker waits for another connection's lock before a write fails (SQLite busy_timeout; default 5 s). */
  busyTimeoutMs?: number;
  /**
   * An outbox entry could not be used (not JSON, not a delivery, cannot be unsealed): it is kept in
   * the database, marked quarantined, and never sent; this is where to say so (row and reason).
   */
  onBadEntry?: (entry: { position: number; id: string; reason: string }) => void;
  /** Times the reply deadlines (default: the system clock, whose timers never hold the process open). */
  clock?: Clock;
  /**
   * Puts off opening a journal that holds nothing yet (`:memory:`, or no file at `file`) until its
   * first write or `opened()`: the worker thread, SQLite and Kysely cost start-up ~0.2 s of CPU and
   * ~25 MiB (`serve --demo`, measured) that a server without calls never needs. Until then reads answer what an empty journal
   * holds (nothing). A file that exists is opened at once as without this option, so deliveries
   * pending from a previous run are read back at start. Default false.
   */
  openOnFirstUse?: boolean;
  /**
   * Group commit: the least time in ms between two posted batches while outbox entries keep coming
   * (default `GROUP_COMMIT_MS`, 10). An entry written when the last batch left longer ago goes at the
   * end of its event-loop turn, as with 0; otherwise it waits, at most this long, and leaves with
   * everything written meanwhile: one message, transaction and answer for several turns. An idle
   * journal adds no wait. Order is not the journal's business: the dispatcher sends a call's deliveries
   * to a receiver one after another, each after its own entry is committed, whichever batch carried it.
   */
  groupCommitMs?: number;
}

/** The file beside a journal that holds the key sealing its outbox entries. */
export function outboxKeyFile(journalFile: string): string | null {
  return journalFile === ':memory:' ? null : join(dirname(journalFile), 'outbox.key');
}

/** How long a call (open, read, close) may wait for its answer before the worker is declared stuck. */
const REPLY_TIMEOUT_MS = 30_000;
/**
 * Ops per message to the worker, each one transaction, and how many such batches may be in flight.
 * Small enough that the first requests of a storm are not held behind thousands of writes, and
 * the main thread does not spend a burst cloning them all at once.
 */
const OPS_PER_BATCH = 256;
const BATCHES_IN_FLIGHT = 2;
/** How long a write nothing waits for (history, log, completion) may stay on the main thread before it is posted. */
const LAZY_POST_MS = 100;
/**
 * The default least time in ms between two posted batches while outbox entries keep coming (group
 * commit, `SqliteJournalOptions.groupCommitMs`). Each batch is a message to the worker, a transaction
 * (its WAL frames) and an answer: at 100 calls/s the journal's CPU per call was 0.85× with 5 ms, 0.73×
 * with 10 ms and 0.60× with 20 ms of what one batch per event-loop turn cost (bench journalcpu, same run).
 * 10, not 20: the events of the last `GROUP_COMMIT_MS` before a `kill -9` are not yet committed, and
 * halving that window costs about 0.07 ms of the journal's CPU per call.
 */
export const GROUP_COMMIT_MS = 10;

/** Failed write batches remembered, so a delivery whose entry was lost is told so; merged when adjacent. */
const FAILED_RANGES_KEPT = 64;

/** A call (open, query, close) waiting for the worker's answer. */
interface PendingCall {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: TimerHandle;
}

interface OutboxWaiter {
  /** Resolves once this many ops are committed. */
  upTo: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Core's Journal in SQLite (call history, delivery log, outbox), written by a worker thread so that
 * SQLite's CPU and disk time stay off the event loop that serves calls and requests.
 *
 * Writes are posted in order and committed in batches, one transaction each. `outboxDurable(id)` tells
 * the dispatcher when a delivery's outbox entry is committed; it is not attempted before, so an
 * attempted delivery is never lost. Outbox entries are posted at the end of the event-loop turn that
 * wrote them, or under load within `groupCommitMs` (10 ms) with the other turns' (group commit);
 * history, log lines and completions ride along, or follow within `LAZY_POST_MS` (100 ms).
 * A crash can lose those last log lines (and events whose entries were not yet committed, whose
 * deliveries were therefore never attempted), or resend a delivery that had just completed (at-least-once,
 * same Idempotency-Key). Reads are messages too: each settles when the
 * worker answers, and sees every write made before it was called. Nothing here blocks the event loop.
 */
export class SqliteJournal implements Journal, History {
  /** The worker and its reply port, once started (at construction, or at first use with `openOnFirstUse`). */
  private worker: Worker | null = null;
  private replies: MessagePort | null = null;
  /** Calls waiting for their answer, by call number. */
  private readonly calls = new Map<number, PendingCall>();
  /** Settles once the worker has opened the file (rejects with why it could not); null until started. */
  private openReply: Promise<void> | null = null;
  private readonly setup: Omit<WorkerSetup, 'replies'>;
  private isOpen = false;
  private readonly onWriteError: (error: Error) => void;
  private readonly onBadEntry: NonNullable<SqliteJournalOptions['onBadEntry']>;
  private ops: JournalOp[] = [];
  private postScheduled: NodeJS.Immediate | null = null;
  /** A post put off by group commit or for lazy ops, and when it is due (system clock ms). */
  private delayedPost: TimerHandle | null = null;
  private delayedPostDue = 0;
  /** When the last batch was posted (system clock ms). */
  private lastPostAt = -Infinity;
  /** Whether an op waiting in `ops` is one a delivery waits for. */
  private urgentPending = false;
  // Ops are counted from the first write: how many were written, posted and committed.
  private writtenOps = 0;
  private postedOps = 0;
  private committedOps = 0;
  private batchesInFlight = 0;
  /** The op that wrote each delivery's outbox entry, until the dispatcher asks for it. */
  private readonly enqueueOps = new Map<string, number>();
  private waiters: OutboxWaiter[] = [];
  /** Ops in (from, to] whose batch failed, with why. */
  private failedRanges: { from: number; to: number; error: Error }[] = [];
  private nextCall = OPEN_CALL + 1;
  private readonly replyTimeoutMs: number;
  private readonly groupCommitMs: number;
  private readonly openTimeoutMs: number;
  private readonly clock: Clock;
  /** Set when the worker was given up on; every later read rejects with it. */
  private broken: Error | null = null;
  private closed = false;

  constructor(
    readonly file: string,
    options: SqliteJournalOptions = {},
  ) {
    this.onWriteError = options.onWriteError ?? (() => undefined);
    this.onBadEntry = options.onBadEntry ?? (() => undefined);
    this.replyTimeoutMs = options.replyTimeoutMs ?? REPLY_TIMEOUT_MS;
    this.groupCommitMs = Math.max(0, options.groupCommitMs ?? GROUP_COMMIT_MS);
    this.openTimeoutMs = options.openTimeoutMs ?? REPLY_TIMEOUT_MS;
    this.clock = options.clock ?? systemClock;
    this.setup = {
      file,
      keepCalls: options.keepCalls ?? 10_000,
      keepDeliveries: options.keepDeliveries ?? 50_000,
      busyTimeoutMs: options.busyTimeoutMs ?? 5_000,
      keyFile: outboxKeyFile(file),
    };
    const holdsNothing = file === ':memory:' || !existsSync(file);
    if (!(options.openOnFirstUse && holdsNothing)) this.start();
  }

  /** Starts the worker, which opens the file; once only. Returns the reply to opening. */
  private start(): Promise<void> {
    if (this.openReply) return this.openReply;
    const channel = new MessageChannel();
    const replies = channel.port1;
    this.replies = replies;
    const setup: WorkerSetup = { ...this.setup, replies: channel.port2 };
    replies.on('message', (reply: Reply) => this.answer(reply));
    replies.unref(); // only a call waiting for its answer keeps the process alive (see `call`)
    // Plain JavaScript beside this module, in src and in dist alike.
    const worker = new Worker(new URL('./journal-worker.js', import.meta.url), { workerData: setup, transferList: [channel.port2] });
    this.worker = worker;
    worker.on('message', (outcome: BatchOutcome) => this.settle(outcome));
    worker.on('error', (error) => this.fail(`worker stopped: ${error.message}`));
    worker.unref();
    const openReply = this.call(OPEN_CALL, this.openTimeoutMs).then(() => {
      this.isOpen = true;
    });
    openReply.catch(() => undefined); // reported by `opened()` and by every read
    this.openReply = openReply;
    return openReply;
  }

  /** True once the worker was started: with `openOnFirstUse`, not before the first write or `opened()`. */
  get started(): boolean {
    return this.openReply !== null;
  }

  /**
   * What start-up waits for before serving: `opened()` for a journal that was opened at once; for one
   * whose opening is put off (`openOnFirstUse`), that its directory can be written, so a path the
   * file could not be made in still stops start-up (then opening is tried, to say why in SQLite's words).
   */
  readyToServe(): Promise<void> {
    if (this.openReply) return this.openReply;
    if (this.file === ':memory:') return Promise.resolve(); // no file to make (not the working directory's business)
    try {
      accessSync(dirname(this.file), constants.W_OK | constants.X_OK);
      return Promise.resolve();
    } catch {
      return this.start();
    }
  }

  recordCall(snapshot: CallSnapshot): void {
    this.write(callOp(snapshot), false);
  }

  recordDelivery(record: DeliveryRecord): void {
    this.write(recordOp(record), false);
  }

  enqueueDelivery(delivery: PendingDelivery): void {
    if (this.write(enqueueOp(delivery), true)) this.enqueueOps.set(delivery.id, this.writtenOps);
  }

  completeDelivery(id: string): void {
    this.write(['complete', id], false);
  }

  /** Settles once the outbox entry of `deliveryId` is committed; undefined when it already is (or was never written here). */
  outboxDurable(deliveryId: string): Promise<void> | undefined {
    const upTo = this.enqueueOps.get(deliveryId);
    if (upTo === undefined) return undefined;
    this.enqueueOps.delete(deliveryId);
    if (upTo <= this.committedOps) {
      const failed = this.failedRanges.find((range) => range.from < upTo && upTo <= range.to);
      return failed ? Promise.reject(failed.error) : undefined;
    }
    if (this.closed) return Promise.reject(new Error(`journal ${this.file} is closed`));
    // Posted with the rest of this event-loop turn's writes, or of the turns of the group-commit window
    // (write() scheduled it): one message and one transaction per batch rather than one per delivery,
    // which at 100 calls/s cost the main thread more CPU than sip.js.
    return new Promise((resolve, reject) => {
      this.waiters.push({ upTo, resolve, reject });
      this.worker?.ref(); // a pending barrier must keep the process alive until the worker answers
    });
  }

  /** Every usable outbox entry, in outbox order (bad ones are quarantined on the way). */
  async pendingDeliveries(): Promise<PendingDelivery[]> {
    const all: PendingDelivery[] = [];
    for (let after = 0, pages = 0; pages < 1_000_000; pages++) {
      const page = await this.outboxAfter(after, 1_000);
      all.push(...page.entries.map((entry) => entry.delivery));
      if (page.done) break;
      after = page.cursor;
    }
    return all;
  }

  /**
   * Core's outbox paging. Each row is unsealed and checked against core's `PendingDeliverySchema`;
   * one that fails is quarantined (kept, marked with the reason, reported to `onBadEntry`) and left
   * out, so one bad row can neither crash start-up nor be sent.
   */
  async outboxAfter(after: number, limit: number, origin?: string): Promise<OutboxPage> {
    const query: JournalQuery = origin === undefined ? { query: 'page', after, limit } : { query: 'page', after, limit, origin };
    const page = (await this.query(query)) as RawOutboxPage;
    const entries: OutboxPage['entries'] = [];
    for (const row of page.rows) {
      const read = 'text' in row ? readStoredDelivery(row.text) : { ok: false as const, reason: row.error };
      if (read.ok && read.delivery.id === row.id) entries.push({ position: row.position, delivery: read.delivery });
      else this.quarantine(row.position, row.id, read.ok ? `its id ${JSON.stringify(read.delivery.id)} is not the row's` : read.reason);
    }
    return { entries, cursor: page.rows.at(-1)?.position ?? after, done: page.done };
  }

  /** Quarantined outbox entries: their count and the first `limit` with row position, id and reason. */
  async quarantinedEntries(limit = 20): Promise<QuarantineReport> {
    return (await this.query({ query: 'quarantined', limit })) as QuarantineReport;
  }

  private quarantine(position: number, id: string, reason: string): void {
    this.write(['quarantine', position, reason], true);
    this.onBadEntry({ position, id, reason });
  }

  async recentCalls(limit: number): Promise<CallSnapshot[]> {
    return (await this.query({ query: 'calls', limit })) as CallSnapshot[];
  }

  async recentDeliveries(limit: number, callGuid?: string): Promise<DeliveryRecord[]> {
    return (await this.query(callGuid === undefined ? { query: 'deliveries', limit } : { query: 'deliveries', limit, callGuid })) as DeliveryRecord[];
  }

  /**
   * The worker thread's memory (its V8 heap, SQLite's page-cache limit); null while the worker has not
   * started (`openOnFirstUse` and nothing written yet). Rejects as every read does when the worker is gone.
   */
  async workerMemory(): Promise<WorkerMemory | null> {
    return (await this.query({ query: 'memory' })) as WorkerMemory | null;
  }

  /** Retention (`journal.keepDays`): removes calls and delivery records older than `before` (epoch ms), after the writes before it. */
  async removeOlderThan(before: number): Promise<RetentionResult> {
    return (await this.query({ query: 'removeOlderThan', before })) as RetentionResult;
  }

  /**
   * Settles once the worker has opened the file and brought its schema up to date; rejects with why it
   * could not. Reads wait for this on their own; await it at start-up to report a bad path before
   * serving. Writes made before it are kept.
   */
  opened(): Promise<void> {
    return this.start();
  }

  /** Writes what is batched, closes the database and lets the worker end. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.openReply) {
      this.closed = true; // never opened: nothing was written, and no worker runs
      return;
    }
    try {
      await this.openReply;
    } catch {
      // Nothing was written to a file that never opened; the worker still ends below.
    }
    if (this.closed) return;
    this.post(Infinity);
    const call = this.nextCall++;
    const answered = this.call(call, this.openTimeoutMs);
    this.send({ type: 'close', call });
    this.closed = true;
    try {
      await answered;
    } finally {
      this.replies?.close();
    }
  }

  /**
   * Queues an op. An urgent one (an outbox entry, which a delivery waits for) is posted at the end of
   * this event-loop turn, with every op written in it; the others (history, log lines, completions)
   * ride along with the next urgent batch or go after `LAZY_POST_MS`, so a call's writes cost one or
   * two batches rather than one per event (each batch is a message to the worker, a transaction and
   * an answer). A crash can lose those last `LAZY_POST_MS` of them, which the class doc allows.
   */
  private write(op: JournalOp, urgent: boolean): boolean {
    if (this.closed) return false;
    void this.start();
    this.ops.push(op);
    this.writtenOps++;
    if (urgent) {
      this.urgentPending = true;
      this.postSoon();
    } else if (this.postScheduled === null && this.delayedPost === null) this.postAfter(LAZY_POST_MS);
    return true;
  }

  /**
   * Schedules the post of an urgent op: at the end of this turn, or, when the last batch left less
   * than `groupCommitMs` ago, once that much has passed (group commit). Under load the ops of
   * several turns then share one message, transaction and answer; an idle journal adds no wait.
   */
  private postSoon(): void {
    if (this.postScheduled !== null) return;
    const now = systemClock.now();
    const wait = this.lastPostAt + this.groupCommitMs - now;
    if (wait <= 0) {
      this.postScheduled = setImmediate(() => this.post());
      return;
    }
    if (this.delayedPost !== null && this.delayedPostDue <= now + wait) return;
    this.postAfter(wait);
  }

  /** Posts after `ms` (system time: the `clock` option times reply deadlines, and a simulated one would hold writes back). */
  private postAfter(ms: number): void {
    if (this.delayedPost !== null) systemClock.clearTimeout(this.delayedPost);
    this.delayedPostDue = systemClock.now() + ms;
    this.delayedPost = systemClock.setTimeout(() => this.post(), ms);
  }

  /** Posts waiting ops in batches, as many as may be in flight; the rest follow as the worker answers. */
  private post(limit = BATCHES_IN_FLIGHT): void {
    if (this.postScheduled) clearImmediate(this.postScheduled);
    this.postScheduled = null;
    if (this.delayedPost) systemClock.clearTimeout(this.delayedPost);
    this.delayedPost = null;
    while (this.ops.length > 0 && this.batchesInFlight < limit && !this.closed) {
      const ops = this.ops.length <= OPS_PER_BATCH ? this.ops : this.ops.slice(0, OPS_PER_BATCH);
      this.ops = ops === this.ops ? [] : this.ops.slice(OPS_PER_BATCH);
      this.postedOps += ops.length;
      this.batchesInFlight++;
      this.lastPostAt = systemClock.now();
      this.send({ type: 'writes', upTo: this.postedOps, ops });
    }
    if (this.ops.length === 0) this.urgentPending = false;
  }

  private async query(query: JournalQuery): Promise<unknown> {
    // Not started: nothing was written and no file existed, so the answer is an empty journal's.
    if (!this.openReply && !this.closed) return emptyAnswer(query);
    if (!this.isOpen && !this.broken) await this.openReply;
    if (this.broken) throw this.broken;
    if (this.closed) throw new Error(`journal ${this.file} is closed`);
    this.post(Infinity); // every write made before the read goes first
    const call = this.nextCall++;
    const answered = this.call(call, this.replyTimeoutMs);
    this.send({ type: 'query', call, ...query });
    return answered;
  }

  private send(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  /**
   * Waits for the worker's answer to `call`, keeping the process alive meanwhile. A worker that stays
   * silent for `timeoutMs` is declared broken and stopped, so it cannot answer later in another
   * call's place, and every call waiting is rejected.
   */
  private call(call: number, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => this.fail(`no answer from its worker within ${timeoutMs / 1000} s`), timeoutMs);
      this.calls.set(call, { resolve, reject, timer });
      this.replies?.ref();
    });
  }

  /** An answer from the worker on the reply port. */
  private answer(reply: Reply): void {
    if (reply.call === FATAL_CALL && !reply.ok) {
      this.fail(reply.message);
      return;
    }
    const pending = this.calls.get(reply.call);
    if (!pending) return; // the answer to a call that was given up on
    this.calls.delete(reply.call);
    this.clock.clearTimeout(pending.timer);
    if (this.calls.size === 0) this.replies?.unref();
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(new Error(`journal ${this.file}: ${reply.message}`));
  }

  private settle(outcome: BatchOutcome): void {
    const from = this.committedOps;
    const upTo = typeof outcome === 'number' ? outcome : outcome.upTo;
    this.committedOps = upTo;
    this.batchesInFlight--;
    const error = typeof outcome === 'number' ? null : new Error(`journal ${this.file}: write failed: ${outcome.message}`);
    if (error) {
      this.onWriteError(error);
      this.rememberFailure(from, upTo, error);
    }
    const waiting: OutboxWaiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.upTo > upTo) waiting.push(waiter);
      else if (error) waiter.reject(error);
      else waiter.resolve();
    }
    this.waiters = waiting;
    if (waiting.length === 0) this.worker?.unref();
    // Ops left for want of room: urgent ones go as group commit allows, the rest as they would have.
    if (this.ops.length > 0 && this.postScheduled === null) {
      if (this.urgentPending) this.postSoon();
      else if (this.delayedPost === null) this.postAfter(LAZY_POST_MS);
    }
  }

  private rememberFailure(from: number, to: number, error: Error): void {
    const last = this.failedRanges.at(-1);
    if (last && last.to === from) last.to = to;
    else this.failedRanges.push({ from, to, error });
    if (this.failedRanges.length > FAILED_RANGES_KEPT) this.failedRanges.shift();
  }

  /** Gives up on the worker: stops it, fails every wait and call, drops later writes. */
  private fail(reason: string): void {
    if (this.broken) return;
    const failure = new Error(`journal ${this.file}: ${reason}`);
    this.broken = failure;
    this.closed = true;
    void this.worker?.terminate();
    this.onWriteError(failure);
    for (const waiter of this.waiters.splice(0)) waiter.reject(failure);
    for (const pending of this.calls.values()) {
      this.clock.clearTimeout(pending.timer);
      pending.reject(failure);
    }
    this.calls.clear();
    this.replies?.close();
  }
}

/** What an empty journal answers `query` (one never opened: nothing written, no file). */
function emptyAnswer(query: JournalQuery): unknown {
  switch (query.query) {
    case 'page':
      return { done: true, rows: [] } satisfies RawOutboxPage;
    case 'quarantined':
      return { count: 0, entries: [] } satisfies QuarantineReport;
    case 'calls':
    case 'deliveries':
      return [];
    case 'removeOlderThan':
      return { calls: 0, deliveries: 0 } satisfies RetentionResult;
    case 'memory':
      return null;
  }
}

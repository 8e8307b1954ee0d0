import type { CallSnapshot, DeliveryRecord, Journal, PendingDelivery } from '@callhook/core';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { History } from './history.js';
import type { BatchOutcome, JournalOp, JournalQuery, Reply, ToWorker, WorkerSetup } from './journal-protocol.js';

export interface SqliteJournalOptions {
  /** Rows kept in the call history and the delivery log; older ones are pruned. */
  keepCalls?: number;
  keepDeliveries?: number;
  /** A batch of writes failed (disk full, file removed…). Deliveries go on; this is where to say so. */
  onWriteError?: (error: Error) => void;
}

/** How long a synchronous call (open, read, close) may block before the worker is declared stuck. */
const REPLY_TIMEOUT_MS = 30_000;
/**
 * Ops per message to the worker, each one transaction, and how many such batches may be in flight.
 * Small enough that the first requests of a storm are not held behind thousands of writes, and
 * the main thread does not spend a burst cloning them all at once.
 */
const OPS_PER_BATCH = 256;
const BATCHES_IN_FLIGHT = 2;

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
 * attempted delivery is never lost. A crash can lose the last log lines, or resend a delivery that had
 * just completed (at-least-once, same Idempotency-Key). Reads block briefly until the worker answers;
 * they see every write made before them.
 */
export class SqliteJournal implements Journal, History {
  private readonly worker: Worker;
  private readonly replies: MessagePort;
  private readonly replyFlag = new Int32Array(new SharedArrayBuffer(4));
  private readonly onWriteError: (error: Error) => void;
  private ops: JournalOp[] = [];
  private postScheduled: NodeJS.Immediate | null = null;
  // Ops are counted from the first write: how many were written, posted and committed.
  private writtenOps = 0;
  private postedOps = 0;
  private committedOps = 0;
  private batchesInFlight = 0;
  /** The op that wrote each delivery's outbox entry, until the dispatcher asks for it. */
  private readonly enqueueOps = new Map<string, number>();
  private waiters: OutboxWaiter[] = [];
  private closed = false;
  /** Set once the worker's answer to opening the file has been read: null when it opened. */
  private openFailure: Error | null | undefined;

  constructor(readonly file: string, options: SqliteJournalOptions = {}) {
    this.onWriteError = options.onWriteError ?? (() => undefined);
    const channel = new MessageChannel();
    this.replies = channel.port1;
    const setup: WorkerSetup = {
      file,
      keepCalls: options.keepCalls ?? 10_000,
      keepDeliveries: options.keepDeliveries ?? 50_000,
      replyFlag: this.replyFlag.buffer as SharedArrayBuffer,
      replies: channel.port2,
    };
    // Plain JavaScript beside this module, in src and in dist alike.
    this.worker = new Worker(new URL('./journal-worker.js', import.meta.url), { workerData: setup, transferList: [channel.port2] });
    this.worker.on('message', (outcome: BatchOutcome) => this.settle(outcome));
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.unref();
  }

  recordCall(snapshot: CallSnapshot): void {
    this.write(['call', snapshot]);
  }

  recordDelivery(record: DeliveryRecord): void {
    this.write(['record', record]);
  }

  enqueueDelivery(delivery: PendingDelivery): void {
    if (this.write(['enqueue', delivery])) this.enqueueOps.set(delivery.id, this.writtenOps);
  }

  completeDelivery(id: string): void {
    this.write(['complete', id]);
  }

  /** Settles once the outbox entry of `deliveryId` is committed; undefined when it already is (or was never written here). */
  outboxDurable(deliveryId: string): Promise<void> | undefined {
    const upTo = this.enqueueOps.get(deliveryId);
    if (upTo === undefined) return undefined;
    this.enqueueOps.delete(deliveryId);
    if (upTo <= this.committedOps) return undefined;
    if (this.closed) return Promise.reject(new Error(`journal ${this.file} is closed`));
    this.post(); // no waiting for the end of the turn: a request is held until this is written
    return new Promise((resolve, reject) => {
      this.waiters.push({ upTo, resolve, reject });
      this.worker.ref(); // a pending barrier must keep the process alive until the worker answers
    });
  }

  pendingDeliveries(): PendingDelivery[] {
    return this.query({ query: 'pending' }) as PendingDelivery[];
  }

  recentCalls(limit: number): CallSnapshot[] {
    return this.query({ query: 'calls', limit }) as CallSnapshot[];
  }

  recentDeliveries(limit: number, callGuid?: string): DeliveryRecord[] {
    return this.query(callGuid === undefined ? { query: 'deliveries', limit } : { query: 'deliveries', limit, callGuid }) as DeliveryRecord[];
  }

  /**
   * Waits for the worker to have opened the file, and throws if it could not. Reads wait for this on
   * their own; call it at start-up to report a bad path before serving. Writes made before it are kept.
   */
  opened(): void {
    if (this.openFailure === undefined) {
      try {
        this.awaitReply();
        this.openFailure = null;
      } catch (error) {
        this.openFailure = error instanceof Error ? error : new Error(String(error));
      }
    }
    if (this.openFailure) throw this.openFailure;
  }

  /** Writes what is batched, closes the database and lets the worker end. */
  close(): void {
    if (this.closed) return;
    try {
      this.opened();
    } catch {
      // Nothing was written to a file that never opened; the worker still ends below.
    }
    this.post(Infinity);
    this.send({ type: 'close' });
    this.closed = true;
    this.awaitReply();
    this.replies.close();
  }

  private write(op: JournalOp): boolean {
    if (this.closed) return false;
    this.ops.push(op);
    this.writtenOps++;
    this.postScheduled ??= setImmediate(() => this.post());
    return true;
  }

  /** Posts waiting ops in batches, as many as may be in flight; the rest follow as the worker answers. */
  private post(limit = BATCHES_IN_FLIGHT): void {
    if (this.postScheduled) clearImmediate(this.postScheduled);
    this.postScheduled = null;
    while (this.ops.length > 0 && this.batchesInFlight < limit && !this.closed) {
      const ops = this.ops.length <= OPS_PER_BATCH ? this.ops : this.ops.slice(0, OPS_PER_BATCH);
      this.ops = ops === this.ops ? [] : this.ops.slice(OPS_PER_BATCH);
      this.postedOps += ops.length;
      this.batchesInFlight++;
      this.send({ type: 'writes', upTo: this.postedOps, ops });
    }
  }

  private query(query: JournalQuery): unknown {
    if (this.closed) throw new Error(`journal ${this.file} is closed`);
    this.opened();
    this.post(Infinity);
    this.send({ type: 'query', ...query });
    return this.awaitReply();
  }

  private send(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  /** Blocks until the worker answers on the reply port; the journal's only synchronous wait. */
  private awaitReply(): unknown {
    if (Atomics.wait(this.replyFlag, 0, 0, REPLY_TIMEOUT_MS) === 'timed-out') {
      throw new Error(`journal ${this.file}: no answer from its worker within ${REPLY_TIMEOUT_MS / 1000} s`);
    }
    Atomics.store(this.replyFlag, 0, 0);
    const reply = receiveMessageOnPort(this.replies)?.message as Reply | undefined;
    if (!reply) throw new Error(`journal ${this.file}: its worker answered without a message`);
    if (!reply.ok) throw new Error(`journal ${this.file}: ${reply.message}`);
    return reply.value;
  }

  private settle(outcome: BatchOutcome): void {
    this.committedOps = outcome.upTo;
    this.batchesInFlight--;
    const error = outcome.type === 'failed' ? new Error(`journal ${this.file}: write failed: ${outcome.message}`) : null;
    if (error) this.onWriteError(error);
    const waiting: OutboxWaiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.upTo > outcome.upTo) waiting.push(waiter);
      else if (error) waiter.reject(error);
      else waiter.resolve();
    }
    this.waiters = waiting;
    if (waiting.length === 0) this.worker.unref();
    this.post();
  }

  private failAll(error: Error): void {
    this.closed = true;
    const failure = new Error(`journal ${this.file}: worker stopped: ${error.message}`);
    this.onWriteError(failure);
    for (const waiter of this.waiters.splice(0)) waiter.reject(failure);
  }
}

import { originOf, type CallSnapshot, type DeliveryRecord, type PendingDelivery } from '@callhook/core';
import type { MessagePort } from 'node:worker_threads';

/**
 * One journal write, applied by the store in order inside its batch's transaction. Each carries the
 * row's columns, the JSON text already made on the main thread: a batch of strings and numbers is
 * cheap to post to the worker (structured clone of the objects cost the main thread 10 % of its CPU
 * at 100 calls/s) and the worker no longer serialises anything but the outbox seal.
 */
export type JournalOp =
  /** A call's snapshot: guid, created_at (ISO 8601), snapshot (JSON of core's CallSnapshot). */
  | readonly ['call', string, string, string]
  /** A delivery-log row: call_guid, record (JSON of core's DeliveryRecord). */
  | readonly ['record', string, string]
  /**
   * An outbox entry: id, origin (`originOf`), created_at (epoch ms), delivery (JSON of core's PendingDelivery),
   * and whether the store seals it (`holdsSecret`).
   */
  | readonly ['enqueue', string, string, number, string, boolean]
  | readonly ['complete', string]
  /** Marks the outbox entry at a position as unusable (kept, with the reason), so it is not read again. */
  | readonly ['quarantine', number, string];

/** The op recording a call's snapshot. */
export function callOp(snapshot: CallSnapshot): JournalOp {
  return ['call', snapshot.guid, snapshot.createdAt, JSON.stringify(snapshot)];
}

/** The op appending a delivery-log record. */
export function recordOp(record: DeliveryRecord): JournalOp {
  return ['record', record.callGuid, JSON.stringify(record)];
}

/** The op writing a delivery's outbox entry (its id, origin — core's `originOf`, which keeps each authority's — and creation time as columns). */
export function enqueueOp(delivery: PendingDelivery): JournalOp {
  return ['enqueue', delivery.id, originOf(delivery), delivery.createdAt, JSON.stringify(delivery), holdsSecret(delivery)];
}

/** A user-info part (`user:password@`) in a URL's authority. */
const URL_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i;

/**
 * Whether an outbox entry holds what must not be in the database in clear, so the store seals it
 * (AES-256-GCM, `outbox-seal.js`): a header value (an API key, a Bearer token), a signing secret, or
 * credentials in the URL's authority. Everything else an entry holds — its URL and the call event of a
 * POST body — the delivery log and the call history keep in clear beside it anyway, so such an entry
 * is stored as its JSON: sealing cost the journal's worker a cipher per entry (Node's `createCipheriv`,
 * ~20 % of the worker's CPU per call in bench pipelinecpu) and protected nothing.
 */
export function holdsSecret(delivery: Pick<PendingDelivery, 'headers' | 'signingSecret' | 'url'>): boolean {
  if (delivery.signingSecret !== null) return true;
  for (const _name in delivery.headers) return true;
  return URL_CREDENTIALS.test(delivery.url);
}

export type JournalQuery =
  | { query: 'page'; after: number; limit: number; origin?: string }
  | { query: 'quarantined'; limit: number }
  | { query: 'calls'; limit: number }
  | { query: 'deliveries'; limit: number; callGuid?: string }
  /** Retention: removes history and delivery-log rows older than `before` (epoch ms); answers the counts. */
  | { query: 'removeOlderThan'; before: number }
  /** The worker's own memory (`WorkerMemory`); answered by the worker itself, not the store. */
  | { query: 'memory' };

/**
 * What the journal's worker thread holds, for operators and benches: its V8 isolate is its own (not in
 * the main thread's `process.memoryUsage()`), and SQLite's page cache is allocated on it.
 */
export interface WorkerMemory {
  /** The worker isolate's `process.memoryUsage()`: heapUsed, heapTotal and external, bytes. */
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  /**
   * The most SQLite's page cache of the connection may hold, KiB (`PRAGMA cache_size`, read back from the
   * connection; https://sqlite.org/pragma.html#pragma_cache_size); null when the file could not be opened.
   */
  pageCacheLimitKiB: number | null;
}

/** Main thread → worker, in one ordered stream: writes, then the queries that must see them. */
export type ToWorker =
  /** `upTo`: how many ops the journal has posted, this batch's last one included; echoed in the outcome. */
  { type: 'writes'; upTo: number; ops: JournalOp[] } | ({ type: 'query'; call: number } & JournalQuery) | { type: 'close'; call: number };

/**
 * Worker → main thread, asynchronously, one per `writes` message: a number says the writes are committed up
 * to that op (the common answer, a plain number: cheapest to post); a failed batch says why.
 */
export type BatchOutcome = number | { type: 'failed'; upTo: number; message: string };

/** The reply to opening the file; queries and close number their calls from 1. */
export const OPEN_CALL = 0;
/** A reply with this call number says the worker is going down (an uncaught error). */
export const FATAL_CALL = -1;

/**
 * Worker → main thread on the reply port, answering a call (open, query, close). `call` matches the
 * request's, so an answer that comes after its caller gave up is never taken for another.
 */
export type Reply = { call: number; ok: true; value: unknown } | { call: number; ok: false; message: string };

export interface WorkerSetup {
  file: string;
  keepCalls: number;
  keepDeliveries: number;
  /** SQLite busy_timeout in ms: how long a write waits for another connection's lock. */
  busyTimeoutMs: number;
  /** The 0600 file holding the key that seals outbox entries at rest; null keeps a key in memory (`:memory:`). */
  keyFile: string | null;
  replies: MessagePort;
}

/** A page of raw outbox rows: each unsealed JSON text, or why it could not be unsealed. */
export interface RawOutboxPage {
  done: boolean;
  rows: ({ position: number; id: string; text: string } | { position: number; id: string; error: string })[];
}

/** Quarantined outbox entries: how many, and the first few with their reasons. */
export interface QuarantineReport {
  count: number;
  entries: { position: number; id: string; reason: string }[];
}

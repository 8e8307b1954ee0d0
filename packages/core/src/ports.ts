/**
 * Ports: the small interfaces through which core reaches the world. Adapters in server, sip, desktop
 * and cli implement them; tests use fakes and a simulated clock.
 */
import type { Cancellation } from './dispatch/cancellation.js';
import type { DeliveryRecord, PendingDelivery } from './dispatch/delivery.js';
import type { CallSnapshot } from './call/snapshot.js';
import type { LineCommand, LineEvent, LineStatus } from './line/line-events.js';
import type { LineSettings } from './line/line-settings.js';

export type TimerHandle = { readonly __timer: unique symbol } | number | object;

/** All time and timers. `now()` is epoch milliseconds. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Randomness for GUIDs and retry jitter. Must be cryptographically strong in production adapters. */
export interface Random {
  fill(bytes: Uint8Array): void;
}

export interface FetchRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Cancelled when the dispatcher stops waiting; the adapter then ends the request and rejects. */
  cancellation: Cancellation;
  /** When set, the adapter adds an HMAC-SHA256 signature header over timestamp and body. */
  signingSecret?: string | null;
}

export interface FetchResponse {
  status: number;
  /** The response's `Retry-After` header, as sent (delta-seconds or an HTTP-date); absent when none. */
  retryAfter?: string;
}

/** Sends one HTTP request. Rejects on network errors and when `cancellation` is cancelled. */
export interface Fetcher {
  fetch(request: FetchRequest): Promise<FetchResponse>;
}

/** Opens a URL in the user's web browser. Rejects when there is no browser. */
export interface BrowserOpener {
  open(url: string): Promise<void>;
}

/**
 * Durable history and the delivery outbox (at-least-once across restarts). Writes are fire-and-forget
 * (a journal may batch them in the background); every read returns a Promise, so a journal may live
 * on a worker thread or behind a network driver (PostgreSQL) without blocking the event loop. A read
 * sees every write made before it was called.
 */
export interface Journal {
  recordCall(snapshot: CallSnapshot): void;
  recordDelivery(record: DeliveryRecord): void;
  /** Written before the first attempt; cleared by `completeDelivery`. */
  enqueueDelivery(delivery: PendingDelivery): void;
  /**
   * For journals that write in the background: settles once the entry `enqueueDelivery` wrote for
   * `deliveryId` is durable, or returns undefined when it already is. The dispatcher waits for it
   * before the first attempt, so a delivery is never attempted before it would survive a crash.
   */
  outboxDurable?(deliveryId: string): Promise<void> | undefined;
  completeDelivery(id: string): void;
  /** Every usable outbox entry, in the order entries were written. */
  pendingDeliveries(): Promise<PendingDelivery[]>;
  /**
   * One page of the outbox in the order entries were written: up to `limit` entries whose position
   * is above `after` (0 = from the start), of one origin when `origin` is given (see `originOf`).
   * Reads see every earlier write. A journal that has it lets the dispatcher keep only a bounded
   * number of deliveries in memory: the rest stay parked in the outbox and are read back as room
   * frees. Entries that cannot be read (a bad row) are left out, and the journal says so its own way.
   */
  outboxAfter?(after: number, limit: number, origin?: string): Promise<OutboxPage>;
  /**
   * For a journal several instances share (each sending the outbox entries it holds a lease on):
   * subscribes to hand-overs and returns the unsubscribe. The journal calls `listener` when entries
   * may have become this instance's to send after it started (another instance stopped renewing its
   * leases); the dispatcher then reads its outbox again from the start, as at `resume`, skipping the
   * entries it already holds. The pages it reads (`outboxAfter`) are what claims them.
   */
  onOutboxHandover?(listener: () => void): () => void;
}

/** A page of outbox entries; `position`s grow with each write and are never reused. */
export interface OutboxPage {
  entries: { position: number; delivery: PendingDelivery }[];
  /** Position of the last row read, bad rows included (pass it back as `after`); `after` when none. */
  cursor: number;
  /** True when no entry above `cursor` was there at the time of the read. */
  done: boolean;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  /** Whether `level` would be written; lets hot paths skip building lines nobody reads. Absent: yes. */
  enabled?(level: LogLevel): boolean;
}

/**
 * A telephone line: simulator, SIP user agent or desk phone. Built by its `LinePlugin`; the engine
 * runs many at once, each under its id.
 *
 * The contract (checked for every line by the line conformance suite, `lineConformanceCases` in
 * `@callhook/core/conformance`):
 *
 * Events of one call (`lineCallId`):
 * 1. The first is `incoming` (the remote called) or `outgoing` (we called); a `lineCallId` is never reused.
 * 2. `alerting` only between `outgoing` and `answered`; `answered` at most once.
 * 3. `held` / `resumed` only after `answered` and before `ended`, alternating (`held` first).
 * 4. Exactly one `ended` per call, and nothing for that call after it.
 * 5. `quality` (live media figures) only after `answered` and before `ended`, any number of times,
 *    also while held; a line without real media never sends it. It changes no call state.
 * `status` events come whenever `status()` changes and belong to no call.
 *
 * Commands: `make_call` resolves only after the line emitted `outgoing` with `lineCallId` = the
 * command's `callId` (the engine's GUID), so the engine answers with the call. The other commands
 * resolve once the line accepted them; the event they cause (`answered`, `held`, `resumed`, `ended`,
 * `ended` with cause `transferred`) follows within the line's own signalling time. `dtmf` resolves
 * once the digits were sent.
 * It rejects with a CallhookError (`line_not_ready`, `no_such_call`, `wrong_call_state`, `line_error`,
 * `invalid_target`) and then emits nothing for the command.
 *
 * `start` resolves once `status()` is final for now (`ready`, or `failed`/`unregistered` with a
 * detail); `stop` ends every call (one `ended` each) before it resolves with status `stopped`.
 *
 * The engine tolerates a line that breaks the event rules: a duplicate `incoming`/`outgoing`, an
 * event for an unknown or ended call, or one its call state forbids is logged and ignored.
 */
export interface Line {
  /** The `LinePlugin.type` that built it; the server gives each plugin's routes the lines of its type. */
  readonly kind: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): LineStatus;
  /** Subscribes to line events; returns the unsubscribe function. */
  onEvent(listener: (event: LineEvent) => void): () => void;
  /** Carries out a command; see the contract above. */
  execute(command: LineCommand): Promise<void>;
  /**
   * Applies changed settings while running (fields its plugin's `restartNeeded` did not name), e.g. a
   * SIP line registering again with new credentials; active calls go on. Absent: nothing is live.
   */
  applySettings?(settings: LineSettings): Promise<void>;
}

export const silentLogger: Logger = { log() {}, enabled: () => false };

import type { Clock, Journal, Logger, OutboxPage, Random, TimerHandle } from '../ports.js';
import type { DeliverySink, SinkResult } from './delivery-sink.js';
import { silentLogger } from '../ports.js';
import { Cancellation } from './cancellation.js';
import { deliveryRecord, retryAfterMs, retryDelayMs, type DeliveryOutcome, type DeliveryRecord, type PendingDelivery } from './delivery.js';
import { originOf } from './origin.js';
import { maskCredentials } from '../mask-credentials.js';
export { httpErrorMessage } from './sinks/http-sink.js';

export interface DispatcherOptions {
  /** Where deliveries go, one sink per `mode` (`standardSinks` gives http and browser). A later sink of the same mode replaces an earlier one. */
  sinks: readonly DeliverySink[];
  clock: Clock;
  /**
   * Spreads each retry's wait ±20 % (`retryDelayMs`), so deliveries that failed together (a receiver
   * that was down) do not all come back at the same instant. Absent: the nominal waits, exactly.
   */
  random?: Random;
  journal?: Journal;
  logger?: Logger;
  /**
   * Deliveries kept waiting in memory (not in flight), across origins (default 10,000). Beyond it a
   * new delivery stays parked in the journal's outbox and is read back as room frees; only without a
   * journal that can page its outbox (`outboxAfter`) is it dropped (and recorded as such).
   */
  maxQueued?: number;
  /** Deliveries kept waiting in memory for one origin (default `maxQueued / 8`, at least 1); beyond it they park. */
  maxQueuedPerOrigin?: number;
  /** Deliveries in flight at once (a request, or a retry's back-off), across all origins (default 256). */
  concurrency?: number;
  /**
   * Deliveries in flight at once to one origin (default 32, at most `concurrency`), so a receiver
   * that never answers cannot take the concurrency every other receiver needs.
   */
  concurrencyPerOrigin?: number;
  /** Outbox entries read per page when parked deliveries are resumed (default 256). */
  resumePageSize?: number;
}

/** One call's deliveries to one receiver origin, whatever their slots: they go out in order, one at a time. */
interface Lane {
  key: string;
  origin: OriginState;
  queue: PendingDelivery[];
  busy: boolean;
}

/** The lanes of one receiver origin, with its own limits and its own parked entries. */
interface OriginState {
  name: string;
  /** Lanes with a delivery waiting and none in flight, in the order they became ready. */
  ready: Lane[];
  queued: number;
  inFlight: number;
  /** In the round-robin of origins that may start a delivery. */
  scheduled: boolean;
  /**
   * Entries of this origin wait in the outbox above `cursor`; new ones park behind them (order).
   * `since`: a delivery parked here while a page of it was being read, so a page that says `done`
   * may not hold it yet and another read is due.
   */
  parked: { cursor: number; since: boolean } | null;
}

/** A delivery being attempted or waiting out a back-off; `halt` ends either at once. */
interface InFlight {
  /** The sink the delivery goes to (`retryNow` wakes the back-offs of one sink). */
  mode: string;
  cancellation: Cancellation | null;
  wake: (() => void) | null;
  timer: TimerHandle | null;
}

/** How many outbox pages one resume pass reads at most before letting other work run. */
const PAGES_PER_PASS = 8;

/**
 * Sends deliveries. Each call's deliveries to one receiver origin go out in event order, one at a
 * time, across slots (a call's `disconnected` never overtakes its `inbound` at the same receiver);
 * different calls and different receivers proceed independently.
 * Lanes are grouped by receiver origin, each with its own concurrency and memory share, taken in
 * turn: a slow or dead receiver holds up only its own lanes. Memory is bounded, what is kept is
 * not: every delivery is in the journal's outbox before it is queued, and what does not fit in
 * memory stays parked there until room frees. Every attempt is recorded.
 */
export class Dispatcher {
  private readonly lanes = new Map<string, Lane>();
  private readonly origins = new Map<string, OriginState>();
  /** Origins that may start a delivery, round-robin. */
  private readonly readyOrigins: OriginState[] = [];
  /** Ids queued in memory or in flight: a resumed page skips them. */
  private readonly known = new Set<string>();
  private readonly flights = new Set<InFlight>();
  private readonly listeners = new Set<(record: DeliveryRecord) => void>();
  private readonly idleWaiters: (() => void)[] = [];
  /** The scan of the whole outbox at start (`resume`), in outbox order; null when done or not started. */
  private globalScan: { cursor: number } | null = null;
  private queued = 0;
  private inFlight = 0;
  private dropped = 0;
  private parked = 0;
  private refilling = false;
  /** `refill` was asked for while a pass was reading: run another pass when it ends. */
  private refillAgain = false;
  /**
   * While an outbox page is being read: ids that finished meanwhile. The page may have been taken
   * before their completion was written, and they are no longer `known`, so they are skipped by this.
   */
  private finishedDuringRead: Set<string> | null = null;
  private refillTimer: TimerHandle | null = null;
  /** Ends the subscription to the journal's hand-overs (`Journal.onOutboxHandover`). */
  private stopHandovers: (() => void) | null = null;
  private halted = false;
  private readonly maxQueued: number;
  private readonly maxQueuedPerOrigin: number;
  private readonly concurrency: number;
  private readonly concurrencyPerOrigin: number;
  private readonly pageSize: number;
  private readonly logger: Logger;
  private readonly sinks: ReadonlyMap<string, DeliverySink>;

  constructor(private readonly options: DispatcherOptions) {
    this.sinks = new Map(options.sinks.map((sink) => [sink.mode, sink]));
    this.maxQueued = Math.max(1, options.maxQueued ?? 10_000);
    this.maxQueuedPerOrigin = Math.max(1, Math.min(this.maxQueued, options.maxQueuedPerOrigin ?? Math.floor(this.maxQueued / 8)));
    this.concurrency = Math.max(1, options.concurrency ?? 256);
    this.concurrencyPerOrigin = Math.max(1, Math.min(this.concurrency, options.concurrencyPerOrigin ?? 32));
    this.pageSize = Math.max(1, options.resumePageSize ?? 256);
    this.logger = options.logger ?? silentLogger;
  }

  onRecord(listener: (record: DeliveryRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * `queued`: waiting in memory; `inFlight`: being attempted or in a retry's back-off; `parked`:
   * parked in the outbox since start and not yet read back (entries left by an earlier run are not
   * counted until read); `dropped`: refused for lack of room (only without a paging journal).
   */
  /** The modes of the sinks this dispatcher delivers to. */
  modes(): string[] {
    return [...this.sinks.keys()];
  }

  stats(): { queued: number; inFlight: number; dropped: number; parked: number } {
    return { queued: this.queued, inFlight: this.inFlight, dropped: this.dropped, parked: this.parked };
  }

  /**
   * Takes a delivery: writes it to the outbox (unless `alreadyJournaled`), then queues it in memory
   * or, when its origin or the whole queue is at its bound, leaves it parked in the outbox. Returns
   * false (and records a drop) only when it could be neither queued nor parked.
   */
  submit(delivery: PendingDelivery, alreadyJournaled = false): boolean {
    const journal = this.options.journal;
    const canPark = journal?.outboxAfter !== undefined;
    if (!alreadyJournaled) journal?.enqueueDelivery(delivery);
    const origin = this.originState(originOf(delivery));
    if (this.halted || origin.parked || origin.queued >= this.maxQueuedPerOrigin || this.queued >= this.maxQueued) {
      if (canPark) {
        origin.parked ??= { cursor: 0, since: false }; // its entries in memory are skipped by id when read again
        origin.parked.since = true;
        this.parked++;
        return true;
      }
      this.dropped++;
      this.logger.log('warn', 'delivery queue full: dropping', { deliveryId: delivery.id, maxQueued: this.maxQueued });
      this.emit(delivery, 0, 'dropped', null, 0, `queue full (${this.maxQueued} waiting)`, true);
      this.forgetIfUnused(origin);
      return false;
    }
    this.admit(delivery, origin);
    this.pump();
    return true;
  }

  /**
   * Reads back what the journal's outbox holds (deliveries left by an earlier run), page by page in
   * outbox order, as memory allows. Without a paging journal, resubmits `pendingDeliveries()`.
   * Settles once the first pages are read (and queued); the rest follow as room frees. Rejects when
   * a journal without paging cannot be read.
   */
  async resume(): Promise<void> {
    const journal = this.options.journal;
    if (!journal) return;
    if (journal.outboxAfter === undefined) {
      this.finishedDuringRead ??= new Set();
      try {
        const pending = await journal.pendingDeliveries();
        for (const delivery of pending) if (!this.known.has(delivery.id) && !this.finishedDuringRead.has(delivery.id)) this.submit(delivery, true);
      } finally {
        this.finishedDuringRead = null;
      }
      return;
    }
    this.globalScan ??= { cursor: 0 };
    if (journal.onOutboxHandover && !this.stopHandovers && !this.halted) this.stopHandovers = journal.onOutboxHandover(() => this.rescan());
    await this.refillPasses();
    this.pump();
  }

  /**
   * Reads the whole outbox again from the start, every parked origin too, as room allows: entries
   * that became this dispatcher's after it started (a shared journal's hand-over) are read wherever
   * they stand. Entries in memory or finished are skipped by id, as in any read.
   */
  rescan(): void {
    if (this.halted || !this.options.journal?.outboxAfter) return;
    this.globalScan = { cursor: 0 }; // a pass reading the old scan sees it replaced and stops
    for (const origin of this.origins.values()) if (origin.parked) origin.parked = { cursor: 0, since: true };
    this.refill();
  }

  /**
   * Ends the retry back-off of every delivery of sink `mode` now: for a sink that knows its receiver is
   * reachable again (a broker connection restored), so deliveries that failed while it was away do not
   * sleep out a doubling back-off of minutes. Each woken delivery counts its next attempt as usual.
   */
  retryNow(mode: string): void {
    for (const flight of this.flights) {
      if (flight.mode !== mode || flight.wake === null) continue;
      if (flight.timer !== null) this.options.clock.clearTimeout(flight.timer);
      flight.wake();
    }
  }

  /** Resolves once nothing is queued, parked or in flight, or after `timeoutMs`; true if drained. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.isIdle()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = this.options.clock.setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        this.options.clock.clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /**
   * Stops sending: attempts in flight are cancelled and back-offs cut short, without completing
   * them, so they stay in the outbox for the next start; later submissions are only journaled. No
   * timer of the dispatcher is left behind. Call after `drain` ran out of time.
   */
  halt(): void {
    if (this.halted) return;
    this.halted = true;
    this.stopHandovers?.();
    this.stopHandovers = null;
    if (this.refillTimer !== null) this.options.clock.clearTimeout(this.refillTimer);
    this.refillTimer = null;
    const stopping = new Error('the dispatcher is stopping');
    for (const flight of this.flights) {
      flight.cancellation?.cancel(stopping);
      if (flight.timer !== null) this.options.clock.clearTimeout(flight.timer);
      flight.timer = null;
      flight.wake?.();
    }
  }

  private isIdle(): boolean {
    return this.queued === 0 && this.inFlight === 0 && !this.hasParked();
  }

  /** Whether entries wait in the outbox that are not yet read back into memory. */
  hasParked(): boolean {
    if (this.globalScan) return true;
    for (const origin of this.origins.values()) if (origin.parked) return true;
    return false;
  }

  private originState(name: string): OriginState {
    let origin = this.origins.get(name);
    if (!origin) {
      origin = { name, ready: [], queued: 0, inFlight: 0, scheduled: false, parked: null };
      this.origins.set(name, origin);
    }
    return origin;
  }

  private forgetIfUnused(origin: OriginState): void {
    if (origin.queued === 0 && origin.inFlight === 0 && !origin.parked && origin.ready.length === 0) this.origins.delete(origin.name);
  }

  /** Puts a delivery in its lane in memory. */
  private admit(delivery: PendingDelivery, origin: OriginState): void {
    // Keyed by receiver, not slot: each slot fires one action, so per-slot order would let a call's
    // `disconnected` (one slot) overtake its `connected` (another) at the same receiver.
    const key = `${delivery.callGuid}#${origin.name}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { key, origin, queue: [], busy: false };
      this.lanes.set(key, lane);
    }
    lane.queue.push(delivery);
    this.known.add(delivery.id);
    this.queued++;
    origin.queued++;
    if (!lane.busy && lane.queue.length === 1) {
      origin.ready.push(lane);
      this.schedule(origin);
    }
  }

  private schedule(origin: OriginState): void {
    if (origin.scheduled || origin.ready.length === 0 || origin.inFlight >= this.concurrencyPerOrigin) return;
    origin.scheduled = true;
    this.readyOrigins.push(origin);
  }

  private pump(): void {
    while (!this.halted && this.inFlight < this.concurrency && this.readyOrigins.length > 0) {
      const origin = this.readyOrigins.shift()!;
      origin.scheduled = false;
      const lane = origin.ready.shift();
      const delivery = lane?.queue.shift();
      if (!lane || !delivery) continue;
      this.queued--;
      origin.queued--;
      lane.busy = true;
      this.inFlight++;
      origin.inFlight++;
      this.schedule(origin); // to the back of the round-robin: origins take turns
      const flight: InFlight = { mode: delivery.mode, cancellation: null, wake: null, timer: null };
      this.flights.add(flight);
      this.run(delivery, flight).then(
        () => this.finish(delivery, lane, flight),
        (error: unknown) => {
          try {
            this.logger.log('error', `delivery failed unexpectedly: ${messageOf(error)}`, { deliveryId: delivery.id });
          } finally {
            this.finish(delivery, lane, flight);
          }
        },
      );
    }
  }

  private finish(delivery: PendingDelivery, lane: Lane, flight: InFlight): void {
    const { origin } = lane;
    this.flights.delete(flight);
    this.known.delete(delivery.id);
    this.finishedDuringRead?.add(delivery.id);
    this.inFlight--;
    origin.inFlight--;
    lane.busy = false;
    if (lane.queue.length > 0) origin.ready.push(lane);
    else this.lanes.delete(lane.key);
    this.schedule(origin);
    this.forgetIfUnused(origin);
    this.refill();
    this.pump();
    if (this.isIdle()) this.idleWaiters.splice(0).forEach((wake) => wake());
  }

  /** Starts a refill in the background (see `refillPasses`). */
  private refill(): void {
    this.refillPasses().catch((error: unknown) => this.logger.log('error', `outbox refill failed unexpectedly: ${messageOf(error)}`));
  }

  /**
   * Reads parked entries back from the outbox while memory has room: first the scan of the whole
   * outbox (at start), then each parked origin from its own cursor. One pass at a time; a refill
   * asked for while a pass reads runs as another pass when it ends. Bounded per pass; when a pass
   * ends with pages left and nothing running that would call it again, another pass is scheduled.
   */
  private async refillPasses(): Promise<void> {
    const journal = this.options.journal;
    if (this.halted || !journal?.outboxAfter) return;
    if (this.refilling) {
      this.refillAgain = true;
      return;
    }
    this.refilling = true;
    let pages = 0;
    try {
      do {
        this.refillAgain = false;
        pages = await this.refillPass(journal as Journal & Required<Pick<Journal, 'outboxAfter'>>);
      } while (this.refillAgain && !this.halted);
    } catch (error) {
      this.logger.log('error', `could not read parked deliveries from the outbox: ${messageOf(error)}`);
      this.globalScan = null;
      for (const origin of this.origins.values()) origin.parked = null;
    } finally {
      this.refilling = false;
      this.finishedDuringRead = null;
    }
    this.pump();
    if (!this.halted && pages >= PAGES_PER_PASS && this.inFlight === 0 && this.queued === 0 && this.hasParked() && this.refillTimer === null) {
      this.refillTimer = this.options.clock.setTimeout(() => {
        this.refillTimer = null;
        this.refill();
      }, 0);
    }
    if (this.isIdle()) this.idleWaiters.splice(0).forEach((wake) => wake());
  }

  /** One bounded pass of `refillPasses`; returns how many pages it read. */
  private async refillPass(journal: Required<Pick<Journal, 'outboxAfter'>>): Promise<number> {
    let pages = 0;
    while (this.globalScan && this.queued < this.maxQueued && pages < PAGES_PER_PASS) {
      pages++;
      const scan = this.globalScan;
      const page = await this.readPage(() => journal.outboxAfter(scan.cursor, this.pageSize));
      if (this.halted || this.globalScan !== scan) return pages;
      const stoppedAt = this.take(page, (origin) => {
        if (origin.parked) return 'skip'; // its own scan reads it, in order
        if (origin.queued >= this.maxQueuedPerOrigin) return 'park';
        return 'admit';
      });
      this.finishedDuringRead = null;
      scan.cursor = stoppedAt ?? page.cursor;
      if (stoppedAt === null && page.done) this.globalScan = null;
      this.pump();
    }
    for (const origin of this.origins.values()) {
      while (origin.parked && origin.queued < this.maxQueuedPerOrigin && this.queued < this.maxQueued && pages < PAGES_PER_PASS) {
        pages++;
        const parked = origin.parked;
        parked.since = false;
        const room = Math.min(this.maxQueuedPerOrigin - origin.queued, this.maxQueued - this.queued);
        const page = await this.readPage(() => journal.outboxAfter(parked.cursor, Math.min(this.pageSize, Math.max(room, 1)), origin.name));
        if (this.halted || origin.parked !== parked) return pages;
        const stoppedAt = this.take(page, () => 'admit');
        this.finishedDuringRead = null;
        parked.cursor = stoppedAt ?? page.cursor;
        // A delivery parked while the page was read may be past its end: read again before letting go.
        if (stoppedAt === null && page.done && !parked.since) origin.parked = null;
        this.pump();
      }
      this.forgetIfUnused(origin);
    }
    return pages;
  }

  /** Reads one page, remembering the ids that finish meanwhile (see `finishedDuringRead`). */
  private readPage(read: () => Promise<OutboxPage>): Promise<OutboxPage> {
    this.finishedDuringRead = new Set();
    return read();
  }

  /**
   * Admits a page's entries in order until memory is full. Returns the cursor to continue from when
   * it stopped early (the position before the first entry not taken), else null. `decide` says per
   * entry's origin whether to admit it, skip it (read elsewhere), or park its origin from here on.
   */
  private take(page: OutboxPage, decide: (origin: OriginState) => 'admit' | 'skip' | 'park'): number | null {
    for (const { position, delivery } of page.entries) {
      if (this.known.has(delivery.id) || this.finishedDuringRead?.has(delivery.id)) continue;
      const origin = this.originState(originOf(delivery));
      const verdict = decide(origin);
      if (verdict === 'skip') continue;
      if (verdict === 'park') {
        origin.parked = { cursor: position - 1, since: false };
        continue;
      }
      if (this.queued >= this.maxQueued || origin.queued >= this.maxQueuedPerOrigin) return position - 1;
      this.admit(delivery, origin);
      if (this.parked > 0) this.parked--;
    }
    return null;
  }

  /** Attempts a delivery until it succeeds, fails for good or the dispatcher halts (then it stays in the outbox). */
  private async run(delivery: PendingDelivery, flight: InFlight): Promise<void> {
    const durable = this.options.journal?.outboxDurable?.(delivery.id);
    if (durable) await this.whenDurable(durable, delivery);
    for (let attempt = 1; ; attempt++) {
      if (this.halted) return;
      const result = await this.attempt(delivery, flight);
      if (this.halted) return; // cut short by halt: neither recorded nor completed
      const retry = result.retryable && attempt <= delivery.retries.max;
      this.emit(delivery, attempt, result.outcome, result.status, result.latencyMs, result.error, !retry);
      if (!retry) break;
      await this.sleep(this.retryWaitMs(delivery, attempt, result.retryAfter), flight);
    }
    this.options.journal?.completeDelivery(delivery.id);
  }

  /**
   * The wait before retry number `retry`: the slot's back-off with jitter (`retryDelayMs`), or the
   * receiver's `Retry-After` when that is longer (at most `MAX_RETRY_AFTER_MS`).
   */
  private retryWaitMs(delivery: PendingDelivery, retry: number, retryAfter: string | null | undefined): number {
    const backoff = retryDelayMs(delivery.retries, retry, this.draw());
    return Math.max(backoff, retryAfterMs(retryAfter, this.options.clock.now()) ?? 0);
  }

  /** A number in [0, 1] from the `Random` port, or 0.5 (no jitter) without one. */
  private draw(): number {
    const random = this.options.random;
    if (!random) return 0.5;
    const bytes = new Uint8Array(2);
    random.fill(bytes);
    return (bytes[0]! * 256 + bytes[1]!) / 65_535;
  }

  /** Waits until the delivery's outbox entry is durable. If the journal cannot write, it still goes out: sending matters more than the log. */
  private async whenDurable(durable: Promise<void>, delivery: PendingDelivery): Promise<void> {
    try {
      await durable;
    } catch (error) {
      this.logger.log('warn', `delivery sent without a durable outbox entry: ${messageOf(error)}`, { deliveryId: delivery.id });
    }
  }

  private async attempt(delivery: PendingDelivery, flight: InFlight): Promise<AttemptResult> {
    const { clock } = this.options;
    const started = clock.now();
    const elapsed = (): number => clock.now() - started;
    const sink = this.sinks.get(delivery.mode);
    if (!sink) {
      const known = [...this.sinks.keys()].join(', ');
      return {
        outcome: 'network_error',
        status: null,
        latencyMs: 0,
        error: `no delivery sink "${delivery.mode}" in this edition (it has ${known})`,
        retryable: false,
      };
    }
    const cancellation = new Cancellation();
    flight.cancellation = cancellation;
    let timer: TimerHandle | null = null;
    try {
      // One promise settled by whichever comes first, the sink or the timeout: a sink that ignores its
      // cancellation still ends the attempt when the timeout fires. (The cancellation keeps its one
      // listener for the sink; the timer settles this promise itself.)
      const result = await new Promise<SinkResult>((resolve, reject) => {
        timer = clock.setTimeout(() => {
          const reason = new Error(`no response within ${delivery.timeoutMs} ms`);
          cancellation.cancel(reason);
          reject(reason);
        }, delivery.timeoutMs);
        sink.deliver(delivery, cancellation).then(resolve, reject);
      });
      // A sink's error text may quote a URL with its credentials: masked like every other message.
      return {
        outcome: result.outcome,
        status: result.status,
        latencyMs: elapsed(),
        error: result.error === null ? null : maskCredentials(result.error),
        retryable: result.retryable,
        retryAfter: result.retryAfter,
      };
    } catch (error) {
      return cancellation.reason
        ? { outcome: 'timeout', status: null, latencyMs: elapsed(), error: `no response within ${delivery.timeoutMs} ms`, retryable: true }
        : { outcome: 'network_error', status: null, latencyMs: elapsed(), error: messageOf(error), retryable: true };
    } finally {
      flight.cancellation = null;
      if (timer !== null) clock.clearTimeout(timer);
    }
  }

  /** Waits out a back-off; `halt` clears the timer and wakes it at once. */
  private sleep(ms: number, flight: InFlight): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        flight.wake = null;
        flight.timer = null;
        resolve();
      };
      flight.wake = wake;
      flight.timer = this.options.clock.setTimeout(wake, ms);
    });
  }

  private emit(
    delivery: PendingDelivery,
    attempt: number,
    outcome: DeliveryOutcome,
    status: number | null,
    latencyMs: number,
    error: string | null,
    final: boolean,
  ): void {
    const record = deliveryRecord(delivery, { attempt, outcome, status, latencyMs, error, at: this.options.clock.now(), final });
    this.options.journal?.recordDelivery(record);
    for (const listener of this.listeners) listener(record);
  }
}

interface AttemptResult {
  outcome: DeliveryOutcome;
  status: number | null;
  latencyMs: number;
  error: string | null;
  retryable: boolean;
  retryAfter?: string | null;
}

/** An error as the delivery log and the log lines show it, with any credential it quotes masked. */
function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return maskCredentials(cause instanceof Error ? `${error.message}: ${cause.message}` : error.message);
  }
  return maskCredentials(String(error));
}

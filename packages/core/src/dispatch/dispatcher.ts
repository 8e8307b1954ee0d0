import type { BrowserOpener, Clock, Fetcher, Journal, Logger } from '../ports.js';
import { silentLogger } from '../ports.js';
import { Cancellation } from './cancellation.js';
import { deliveryRecord, retryDelayMs, type DeliveryOutcome, type DeliveryRecord, type PendingDelivery } from './delivery.js';

export interface DispatcherOptions {
  fetcher: Fetcher;
  browser: BrowserOpener;
  clock: Clock;
  journal?: Journal;
  logger?: Logger;
  /** Deliveries waiting (not in flight) before new ones are dropped. */
  maxQueued?: number;
  /** Requests in flight at once, across all calls. */
  concurrency?: number;
}

interface Lane {
  queue: PendingDelivery[];
  busy: boolean;
}

/**
 * Sends deliveries. Each call's deliveries for one slot go out in order, one at a time (a call's
 * `disconnected` never overtakes its `inbound`); different calls and slots proceed independently,
 * so a slow receiver holds up only its own lane. Every attempt is recorded.
 */
export class Dispatcher {
  private readonly lanes = new Map<string, Lane>();
  private readonly ready: string[] = [];
  private readonly listeners = new Set<(record: DeliveryRecord) => void>();
  private readonly idleWaiters: (() => void)[] = [];
  private queued = 0;
  private inFlight = 0;
  private dropped = 0;
  private readonly maxQueued: number;
  private readonly concurrency: number;
  private readonly logger: Logger;

  constructor(private readonly options: DispatcherOptions) {
    this.maxQueued = options.maxQueued ?? 10_000;
    this.concurrency = options.concurrency ?? 256;
    this.logger = options.logger ?? silentLogger;
  }

  onRecord(listener: (record: DeliveryRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): { queued: number; inFlight: number; dropped: number } {
    return { queued: this.queued, inFlight: this.inFlight, dropped: this.dropped };
  }

  /** Queues a delivery; returns false (and records a drop) when the queue is full. */
  submit(delivery: PendingDelivery, alreadyJournaled = false): boolean {
    if (this.queued >= this.maxQueued) {
      this.dropped++;
      this.logger.log('warn', 'delivery queue full: dropping', { deliveryId: delivery.id, maxQueued: this.maxQueued });
      this.emit(delivery, 0, 'dropped', null, 0, `queue full (${this.maxQueued} waiting)`, true);
      return false;
    }
    if (!alreadyJournaled) this.options.journal?.enqueueDelivery(delivery);
    const key = `${delivery.callGuid}#${delivery.slot}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { queue: [], busy: false };
      this.lanes.set(key, lane);
    }
    lane.queue.push(delivery);
    this.queued++;
    if (!lane.busy && lane.queue.length === 1) this.ready.push(key);
    this.pump();
    return true;
  }

  /** Resolves once nothing is queued or in flight, or after `timeoutMs`; true if drained. */
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

  private isIdle(): boolean {
    return this.queued === 0 && this.inFlight === 0;
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.ready.length > 0) {
      const key = this.ready.shift()!;
      const lane = this.lanes.get(key);
      const delivery = lane?.queue.shift();
      if (!lane || !delivery) continue;
      this.queued--;
      lane.busy = true;
      this.inFlight++;
      void this.run(delivery, 1).finally(() => {
        this.inFlight--;
        lane.busy = false;
        if (lane.queue.length > 0) this.ready.push(key);
        else this.lanes.delete(key);
        this.pump();
        if (this.isIdle()) this.idleWaiters.splice(0).forEach((wake) => wake());
      });
    }
  }

  private async run(delivery: PendingDelivery, attempt: number): Promise<void> {
    const durable = this.options.journal?.outboxDurable?.(delivery.id);
    if (durable) await this.whenDurable(durable, delivery);
    for (;;) {
      const result = await this.attempt(delivery);
      const retry = result.retryable && attempt <= delivery.retries.max;
      this.emit(delivery, attempt, result.outcome, result.status, result.latencyMs, result.error, !retry);
      if (!retry) break;
      await this.sleep(retryDelayMs(delivery.retries, attempt));
      attempt++;
    }
    this.options.journal?.completeDelivery(delivery.id);
  }

  /** Waits until the delivery's outbox entry is durable. If the journal cannot write, it still goes out: sending matters more than the log. */
  private async whenDurable(durable: Promise<void>, delivery: PendingDelivery): Promise<void> {
    try {
      await durable;
    } catch (error) {
      this.logger.log('warn', `delivery sent without a durable outbox entry: ${messageOf(error)}`, { deliveryId: delivery.id });
    }
  }

  private async attempt(delivery: PendingDelivery): Promise<AttemptResult> {
    const { clock } = this.options;
    const started = clock.now();
    const elapsed = (): number => clock.now() - started;
    if (delivery.mode === 'browser') {
      try {
        await this.options.browser.open(delivery.url);
        return { outcome: 'opened', status: null, latencyMs: elapsed(), error: null, retryable: false };
      } catch (error) {
        return { outcome: 'network_error', status: null, latencyMs: elapsed(), error: messageOf(error), retryable: false };
      }
    }
    const cancellation = new Cancellation();
    const timer = clock.setTimeout(() => cancellation.cancel(new Error(`no response within ${delivery.timeoutMs} ms`)), delivery.timeoutMs);
    try {
      const response = await this.options.fetcher.fetch({
        url: delivery.url,
        method: delivery.method,
        headers: { ...delivery.headers, 'Idempotency-Key': delivery.id },
        body: delivery.body ?? undefined,
        cancellation,
        signingSecret: delivery.signingSecret,
      });
      const ok = response.status >= 200 && response.status < 300;
      return {
        outcome: ok ? 'delivered' : 'http_error',
        status: response.status,
        latencyMs: elapsed(),
        error: ok ? null : `receiver answered ${response.status}`,
        retryable: !ok && (response.status >= 500 || response.status === 429 || response.status === 408),
      };
    } catch (error) {
      return cancellation.reason
        ? { outcome: 'timeout', status: null, latencyMs: elapsed(), error: `no response within ${delivery.timeoutMs} ms`, retryable: true }
        : { outcome: 'network_error', status: null, latencyMs: elapsed(), error: messageOf(error), retryable: true };
    } finally {
      clock.clearTimeout(timer);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.options.clock.setTimeout(resolve, ms));
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
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}

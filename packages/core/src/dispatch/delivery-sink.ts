import type { Cancellation } from './cancellation.js';
import type { DeliveryOutcome, PendingDelivery } from './delivery.js';

/** What one attempt of a sink came to; the dispatcher adds the attempt number, latency and time. */
export interface SinkResult {
  outcome: Exclude<DeliveryOutcome, 'timeout' | 'dropped'>;
  /** The receiver's status code, when the sink speaks HTTP; else null. */
  status: number | null;
  /** One line saying what went wrong, or null when it went through. */
  error: string | null;
  /** Whether the dispatcher may try again (within the slot's `retries`). */
  retryable: boolean;
  /**
   * How long the receiver asked to be left alone (HTTP `Retry-After`: delta-seconds or an HTTP-date),
   * as it said it; the dispatcher waits at least that long before a retry (see `retryAfterMs`).
   */
  retryAfter?: string | null;
}

/**
 * Where deliveries of one `mode` go: an HTTP request (`http`), the user's browser (`browser`), or a
 * sink an edition adds. A slot names its sink (`sink`, or `openInBrowser` for `browser`); the
 * dispatcher holds the sinks by mode and gives each attempt a `cancellation` that fires when the
 * slot's `timeoutMs` has passed (then the attempt counts as a timeout, whatever the sink does).
 * `deliver` resolves with the result; a rejection counts as a retryable `network_error`.
 */
export interface DeliverySink {
  readonly mode: string;
  deliver(delivery: PendingDelivery, cancellation: Cancellation): Promise<SinkResult>;
}

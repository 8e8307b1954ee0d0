import type { Action } from '../actions.js';

/** One delivery of one slot for one call event; written to the outbox before its first attempt. */
/** The name of a delivery sink (`DeliverySink.mode`): `http` and `browser` are built in; editions may add more. */
export type DeliveryMode = string;

export interface PendingDelivery {
  /** `<call guid>:<action>:<slot>:<sequence>`; sent as the Idempotency-Key header. */
  id: string;
  callGuid: string;
  action: Action;
  slot: number;
  sequence: number;
  url: string;
  /** The sink it goes to. */
  mode: DeliveryMode;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** JSON of the call event for POST slots. */
  body: string | null;
  /** HMAC-SHA256 secret; the Fetcher adapter signs with it. */
  signingSecret: string | null;
  timeoutMs: number;
  retries: DeliveryRetries;
  createdAt: number;
}

/**
 * How a delivery is retried: up to `max` further attempts after a retryable failure, the n-th
 * waiting `backoffMs × 2^(n−1)`, the doubling stopping at `maxBackoffMs` (never below `backoffMs`;
 * absent: no cap, as in outbox entries written before the cap existed), each wait spread ±20 % when
 * the dispatcher has a `Random` (see `retryDelayMs`).
 */
export interface DeliveryRetries {
  max: number;
  backoffMs: number;
  maxBackoffMs?: number;
}

export type DeliveryOutcome = 'delivered' | 'opened' | 'http_error' | 'timeout' | 'network_error' | 'dropped';

/** One attempt (or a drop), as shown in the delivery log. */
export interface DeliveryRecord {
  deliveryId: string;
  callGuid: string;
  action: Action;
  slot: number;
  url: string;
  mode: DeliveryMode;
  attempt: number;
  outcome: DeliveryOutcome;
  status: number | null;
  latencyMs: number;
  error: string | null;
  at: number;
  /** False when another attempt follows. */
  final: boolean;
}

/** What one attempt came to: the part of a record that the delivery itself does not tell. */
export type RecordedAttempt = Pick<DeliveryRecord, 'attempt' | 'outcome' | 'status' | 'latencyMs' | 'error' | 'at' | 'final'>;

/** The log record of one attempt at `delivery`. */
export function deliveryRecord(delivery: PendingDelivery, result: RecordedAttempt): DeliveryRecord {
  return {
    deliveryId: delivery.id,
    callGuid: delivery.callGuid,
    action: delivery.action,
    slot: delivery.slot,
    url: delivery.url,
    mode: delivery.mode,
    ...result,
  };
}

export function deliveryId(callGuid: string, action: Action, slot: number, sequence: number): string {
  return `${callGuid}:${action}:${slot}:${sequence}`;
}

/** How far a retry's wait is spread around its nominal value: ±20 %, so receivers that failed together are not retried in step. */
export const RETRY_JITTER = 0.2;

/**
 * The longest a receiver's `Retry-After` makes the dispatcher wait before one retry (10 minutes, the
 * longest `backoffMs` a slot may have): a receiver that asks for an hour is tried again after this.
 */
export const MAX_RETRY_AFTER_MS = 600_000;

/**
 * How long the dispatcher waits before retry number `retry` (1 = the first): `backoffMs` doubling
 * each time up to `maxBackoffMs` (when set; never below `backoffMs`), times a jitter factor from
 * `draw` in [0, 1]: 0 gives −20 %, 1 gives +20 %, the default 0.5 the nominal value.
 */
export function retryDelayMs(retries: DeliveryRetries, retry: number, draw = 0.5): number {
  const cap = retries.maxBackoffMs === undefined ? Infinity : Math.max(retries.maxBackoffMs, retries.backoffMs);
  const nominal = Math.min(cap, retries.backoffMs * 2 ** (retry - 1));
  return Math.round(nominal * (1 - RETRY_JITTER + 2 * RETRY_JITTER * Math.min(1, Math.max(0, draw))));
}

/**
 * The waits before each retry of `retries` without jitter, in milliseconds: what the docs, `config
 * init` and the console show (the default slot's: 1, 2, 4, 8, 16, 32, 60, 60 s).
 */
export function retrySchedule(retries: DeliveryRetries): number[] {
  return Array.from({ length: retries.max }, (_, i) => retryDelayMs(retries, i + 1));
}

/**
 * The wait a receiver asked for with `Retry-After` (`value`: delta-seconds such as "120", or an
 * HTTP-date, read against `now`), in milliseconds, at most `MAX_RETRY_AFTER_MS`; null when absent or
 * unreadable (then the back-off alone decides). A date in the past is 0.
 */
export function retryAfterMs(value: string | null | undefined, now: number): number | null {
  const text = value?.trim();
  if (!text) return null;
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1_000;
  else {
    // An HTTP-date always names its day and ends in "GMT"; Date.parse alone would take "1" as a year.
    if (!/GMT$/.test(text)) return null;
    const at = Date.parse(text);
    if (Number.isNaN(at)) return null;
    ms = at - now;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/**
 * The longest a delivery can take in the dispatcher: every attempt times out, every backoff is waited
 * at its longest (+20 % jitter, or a receiver's `Retry-After` up to `MAX_RETRY_AFTER_MS`, whichever is longer).
 */
export function longestDeliveryMs(delivery: Pick<PendingDelivery, 'timeoutMs' | 'retries'>): number {
  let total = (delivery.retries.max + 1) * delivery.timeoutMs;
  for (let retry = 1; retry <= delivery.retries.max; retry++) total += Math.max(retryDelayMs(delivery.retries, retry, 1), MAX_RETRY_AFTER_MS);
  return total;
}

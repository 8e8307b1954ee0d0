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
  retries: { max: number; backoffMs: number };
  createdAt: number;
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

/** How long the dispatcher waits before retry number `retry` (1 = the first): the backoff doubles each time. */
export function retryDelayMs(retries: PendingDelivery['retries'], retry: number): number {
  return retries.backoffMs * 2 ** (retry - 1);
}

/** The longest a delivery can take in the dispatcher: every attempt times out, every backoff is waited. */
export function longestDeliveryMs(delivery: Pick<PendingDelivery, 'timeoutMs' | 'retries'>): number {
  let total = (delivery.retries.max + 1) * delivery.timeoutMs;
  for (let retry = 1; retry <= delivery.retries.max; retry++) total += retryDelayMs(delivery.retries, retry);
  return total;
}

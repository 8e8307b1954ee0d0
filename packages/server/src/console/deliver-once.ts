import { longestDeliveryMs, type Clock, type DeliveryRecord, type PendingDelivery } from '@callhook/core';
import { systemClock } from '@callhook/node';

/** The part of core's Dispatcher a one-off delivery needs (it submits to the dispatcher, which picks the sink). */
export interface DeliverySubmitter {
  submit(delivery: PendingDelivery): boolean;
  onRecord(listener: (record: DeliveryRecord) => void): () => void;
}

/** Submits one delivery and resolves with its final record (after any retries), or rejects after `timeoutMs` on `clock`. */
export function deliverOnce(sink: DeliverySubmitter, delivery: PendingDelivery, timeoutMs: number, clock: Clock = systemClock): Promise<DeliveryRecord> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => {
      off();
      reject(new Error(`no result within ${timeoutMs} ms; the delivery may still go out: see the delivery log`));
    }, timeoutMs);
    const off = sink.onRecord((record) => {
      if (record.deliveryId !== delivery.id || !record.final) return;
      clock.clearTimeout(timer);
      off();
      resolve(record);
    });
    if (!sink.submit(delivery)) {
      clock.clearTimeout(timer);
      off();
      reject(new Error('the delivery queue is full; try again in a moment'));
    }
  });
}

/**
 * How long a one-off waits for its final record (ms): every attempt timing out plus the backoffs
 * between them, plus 30 s for the rest — the outbox write before the first attempt (the journal
 * may be opening), a browser being launched, a busy machine. With 1 s a slot test on a loaded
 * 2-core machine failed after 6 s though its delivery went out. Only a stuck delivery waits this long.
 */
export function deliveryDeadline(delivery: PendingDelivery): number {
  return longestDeliveryMs(delivery) + 30_000;
}

let oneOffs = 0;

/**
 * A delivery id for a one-off (slot test, replay) that no other delivery has: the outbox and the
 * Idempotency-Key both go by it. The clock keeps it apart across restarts, the counter within one.
 */
export function oneOffId(prefix: string, now: number): { id: string; sequence: number } {
  const sequence = ++oneOffs;
  return { id: `${prefix}:${now.toString(36)}-${sequence}`, sequence };
}

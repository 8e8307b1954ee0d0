import type { DeliveryRecord, PendingDelivery } from '@callhook/core';

/** The part of core's Dispatcher a one-off delivery needs. */
export interface DeliverySink {
  submit(delivery: PendingDelivery): boolean;
  onRecord(listener: (record: DeliveryRecord) => void): () => void;
}

/** Submits one delivery and resolves with its final record (after any retries), or rejects after `timeoutMs`. */
export function deliverOnce(sink: DeliverySink, delivery: PendingDelivery, timeoutMs: number): Promise<DeliveryRecord> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no result within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = sink.onRecord((record) => {
      if (record.deliveryId !== delivery.id || !record.final) return;
      clearTimeout(timer);
      off();
      resolve(record);
    });
    if (!sink.submit(delivery)) {
      clearTimeout(timer);
      off();
      reject(new Error('the delivery queue is full; try again in a moment'));
    }
  });
}

/** Long enough for every attempt of a delivery to time out, plus the backoffs between them. */
export function deliveryDeadline(delivery: PendingDelivery): number {
  const { max, backoffMs } = delivery.retries;
  return (max + 1) * delivery.timeoutMs + max * backoffMs * 2 ** Math.min(max, 6) + 1_000;
}

import { deliveryRecord, type DeliveryRecord, type PendingDelivery } from '@callhook/core';
import type { DeliverySubmitter } from '../../src/index.js';

/** A dispatcher stand-in: records submissions and answers each with the records `respond` gives. */
export class FakeSink implements DeliverySubmitter {
  readonly submitted: PendingDelivery[] = [];
  private readonly listeners = new Set<(record: DeliveryRecord) => void>();
  constructor(private readonly respond: (delivery: PendingDelivery) => DeliveryRecord[] = (d) => [recordFor(d)]) {}
  submit(delivery: PendingDelivery) {
    this.submitted.push(delivery);
    queueMicrotask(() => this.respond(delivery).forEach((record) => this.listeners.forEach((l) => l(record))));
    return true;
  }
  onRecord(listener: (record: DeliveryRecord) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  get listenerCount() {
    return this.listeners.size;
  }
}

export function recordFor(delivery: PendingDelivery, patch: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return { ...deliveryRecord(delivery, { attempt: 1, outcome: 'delivered', status: 200, latencyMs: 5, error: null, at: 1, final: true }), ...patch };
}

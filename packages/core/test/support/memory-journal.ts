import type { CallSnapshot, DeliveryRecord, Journal, PendingDelivery } from '../../src/index.js';

export class MemoryJournal implements Journal {
  readonly calls: CallSnapshot[] = [];
  readonly deliveries: DeliveryRecord[] = [];
  private readonly outbox = new Map<string, PendingDelivery>();
  /** Set by a test to act as a journal that writes in the background. */
  outboxDurable?: (deliveryId: string) => Promise<void> | undefined;
  recordCall(snapshot: CallSnapshot): void {
    this.calls.push(snapshot);
  }
  recordDelivery(record: DeliveryRecord): void {
    this.deliveries.push(record);
  }
  enqueueDelivery(delivery: PendingDelivery): void {
    this.outbox.set(delivery.id, delivery);
  }
  completeDelivery(id: string): void {
    this.outbox.delete(id);
  }
  pendingDeliveries(): PendingDelivery[] {
    return [...this.outbox.values()];
  }
}

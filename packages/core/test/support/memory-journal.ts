import { originOf, type CallSnapshot, type DeliveryRecord, type Journal, type OutboxPage, type PendingDelivery } from '../../src/index.js';

export class MemoryJournal implements Journal {
  readonly calls: CallSnapshot[] = [];
  readonly deliveries: DeliveryRecord[] = [];
  /** Entries by id, each with the position it was written at (a rewrite moves it to the end). */
  private readonly outbox = new Map<string, { position: number; delivery: PendingDelivery }>();
  private lastPosition = 0;
  /** Pages read through `outboxAfter`, for tests that bound the reads. */
  pagesRead = 0;
  /** Set by a test to act as a journal that writes in the background. */
  outboxDurable?: (deliveryId: string) => Promise<void> | undefined;
  recordCall(snapshot: CallSnapshot): void {
    this.calls.push(snapshot);
  }
  recordDelivery(record: DeliveryRecord): void {
    this.deliveries.push(record);
  }
  enqueueDelivery(delivery: PendingDelivery): void {
    this.outbox.delete(delivery.id);
    this.outbox.set(delivery.id, { position: ++this.lastPosition, delivery });
  }
  completeDelivery(id: string): void {
    this.outbox.delete(id);
  }
  /** The outbox now, synchronously, for assertions. */
  pending(): PendingDelivery[] {
    return [...this.outbox.values()].map((entry) => entry.delivery);
  }
  pendingDeliveries(): Promise<PendingDelivery[]> {
    return Promise.resolve(this.pending());
  }
  /**
   * Answers after a microtask, like a journal whose reads go to another thread: the page is taken
   * when the read is called (it sees every earlier write), and writes made before the answer is
   * used are not in it.
   */
  outboxAfter(after: number, limit: number, origin?: string): Promise<OutboxPage> {
    this.pagesRead++;
    const all = [...this.outbox.values()].filter((e) => e.position > after && (origin === undefined || originOf(e.delivery) === origin));
    const entries = all.slice(0, limit);
    return Promise.resolve({ entries, cursor: entries.at(-1)?.position ?? after, done: all.length <= limit });
  }
  size(): number {
    return this.outbox.size;
  }
}

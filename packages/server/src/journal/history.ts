import type { CallSnapshot, DeliveryRecord, Engine } from '@callhook/core';

/** Read side of the journal, for the control API and the desktop console. Every read is a Promise (see core's `Journal`). */
export interface History {
  /** Calls, newest first. */
  recentCalls(limit: number): Promise<CallSnapshot[]>;
  /** Delivery attempts, newest first; of one call when `callGuid` is given. */
  recentDeliveries(limit: number, callGuid?: string): Promise<DeliveryRecord[]>;
  /** Outbox entries that could not be used (kept, not sent): their count and the first `limit`. Absent without an outbox. */
  quarantinedEntries?(limit?: number): Promise<{ count: number; entries: { position: number; id: string; reason: string }[] }>;
}

/** History kept in memory, for when no journal is configured: ended calls from the engine, a ring of records. */
export function memoryHistory(engine: Engine, limit = 1_000): History & { close(): void } {
  const records: DeliveryRecord[] = [];
  const off = engine.on((event) => {
    if (event.type !== 'delivery') return;
    records.push(event.record);
    if (records.length > limit) records.shift();
  });
  return {
    recentCalls: async (n) => engine.recentCalls().slice(0, n),
    recentDeliveries: async (n, callGuid) =>
      records
        .filter((r) => callGuid === undefined || r.callGuid === callGuid)
        .slice(-n)
        .reverse(),
    close: off,
  };
}

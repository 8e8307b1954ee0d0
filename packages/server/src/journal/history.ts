import type { CallSnapshot, DeliveryRecord, Engine } from '@callhook/core';

/** Read side of the journal, for the control API. */
export interface History {
  recentCalls(limit: number): CallSnapshot[];
  recentDeliveries(limit: number, callGuid?: string): DeliveryRecord[];
  /** Outbox entries that could not be used (kept, not sent): their count and the first `limit`. Absent without an outbox. */
  quarantinedEntries?(limit?: number): { count: number; entries: { position: number; id: string; reason: string }[] };
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
    recentCalls: (n) => engine.recentCalls().slice(0, n),
    recentDeliveries: (n, callGuid) =>
      records.filter((r) => callGuid === undefined || r.callGuid === callGuid).slice(-n).reverse(),
    close: off,
  };
}

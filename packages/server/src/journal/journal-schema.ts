import type { Generated } from 'kysely';

/**
 * The journal's tables as Kysely sees them (types only). The worker's store and migrations are
 * written against this with Kysely's query builder, so another SQL dialect (PostgreSQL) runs the
 * same queries; `journal-migrations.js` is what creates them.
 */
export interface JournalTables {
  /** Call history: the latest snapshot of each call (JSON), and the instance that wrote it. */
  calls: { guid: string; created_at: string; snapshot: string; instance: string | null };
  /** The delivery log: one JSON record per attempt, in order. */
  deliveries: { seq: Generated<number>; call_guid: string; record: string; instance: string | null };
  /**
   * The outbox: a never-reused `position`, the receiver `origin` (core's `originOf`), the entry
   * sealed at rest, why it was quarantined (null while usable), and the lease an instance holds on it
   * when several share the database (`lease_until`: PostgreSQL's timestamptz; null without leases).
   */
  outbox_entries: {
    position: Generated<number>;
    id: string;
    origin: string;
    created_at: number;
    delivery: string;
    quarantined: string | null;
    lease_owner: string | null;
    lease_until: Date | number | null;
  };
  /** Named values every instance sharing a PostgreSQL database agrees on (the outbox key's check). */
  journal_meta: { name: string; value: string };
}

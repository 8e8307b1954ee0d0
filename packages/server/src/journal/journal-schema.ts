import type { Generated } from 'kysely';

/**
 * The journal's tables as Kysely sees them (types only). The worker's store and migrations are
 * written against this with Kysely's query builder, so another SQL dialect (PostgreSQL) runs the
 * same queries; `journal-migrations.js` is what creates them.
 */
export interface JournalTables {
  /** Call history: the latest snapshot of each call (JSON). */
  calls: { guid: string; created_at: string; snapshot: string };
  /** The delivery log: one JSON record per attempt, in order. */
  deliveries: { seq: Generated<number>; call_guid: string; record: string };
  /**
   * The outbox: a never-reused `position`, the receiver `origin` (core's `originOf`), the entry
   * sealed at rest, and why it was quarantined (null while usable).
   */
  outbox_entries: {
    position: Generated<number>;
    id: string;
    origin: string;
    created_at: number;
    delivery: string;
    quarantined: string | null;
  };
}

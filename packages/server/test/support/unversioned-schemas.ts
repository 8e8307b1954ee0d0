/**
 * The layouts callhook wrote before its journal schema had versions, verbatim from the worker of
 * those releases (`CREATE TABLE IF NOT EXISTS` at each open), so tests can build database files as
 * that code left them.
 */

/** The last unversioned layout: sealed `outbox_entries` with positions, origins and quarantine. */
export const OUTBOX_ENTRIES_LAYOUT = `
  CREATE TABLE IF NOT EXISTS calls (guid TEXT PRIMARY KEY, created_at TEXT NOT NULL, snapshot TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS deliveries (seq INTEGER PRIMARY KEY AUTOINCREMENT, call_guid TEXT NOT NULL, record TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS deliveries_by_call ON deliveries (call_guid);
  CREATE TABLE IF NOT EXISTS outbox_entries (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    origin TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    delivery TEXT NOT NULL,
    quarantined TEXT
  );
  CREATE INDEX IF NOT EXISTS outbox_entries_by_origin ON outbox_entries (origin, position);
`;

/** The first layout: the outbox as plain JSON in `outbox`, without positions. */
export const FIRST_OUTBOX_LAYOUT = `
  CREATE TABLE IF NOT EXISTS calls (guid TEXT PRIMARY KEY, created_at TEXT NOT NULL, snapshot TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS deliveries (seq INTEGER PRIMARY KEY AUTOINCREMENT, call_guid TEXT NOT NULL, record TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS deliveries_by_call ON deliveries (call_guid);
  CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, delivery TEXT NOT NULL);
`;

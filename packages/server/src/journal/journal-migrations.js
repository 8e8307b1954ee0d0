// The journal's schema, as numbered migrations run by Kysely's Migrator (it records what ran in
// `kysely_migration` and holds `kysely_migration_lock` while it runs). Written with Kysely's schema
// builder so a PostgreSQL journal runs the same list. Plain JavaScript, like the worker that runs it.
import { Migrator, sql } from 'kysely';
import { originOf, seal } from './outbox-seal.js';

/** @typedef {import('kysely').Kysely<any>} AnyKysely */

/** Where Kysely's Migrator records the migrations a database has run (its default name). */
export const MIGRATION_TABLE = 'kysely_migration';
/** @typedef {import('kysely').Migration} Migration */

/**
 * Names of the migrations, in order. Never rename or reorder one that shipped: a database records
 * the names it has run. Add a new one at the end.
 */
export const MIGRATIONS = /** @type {const} */ (['0001_history_and_outbox', '0002_outbox_of_the_first_layout', '0003_instances_and_leases']);

/**
 * The SQL dialects the journal runs on. The migrations are the same list for both; where a column
 * type is not portable (SQLite's 64-bit `integer` and `autoincrement` are PostgreSQL's `bigint` and
 * `bigserial`) or a step only one of them needs, the migration says so by dialect.
 * @typedef {'sqlite' | 'postgres'} JournalDialect
 */

/**
 * A key column that numbers rows in insertion order, never reusing a number.
 * @param {JournalDialect} dialect
 * @returns {['bigserial' | 'integer', (c: import('kysely').ColumnDefinitionBuilder) => import('kysely').ColumnDefinitionBuilder]}
 */
function serialKey(dialect) {
  return dialect === 'postgres' ? ['bigserial', (c) => c.primaryKey()] : ['integer', (c) => c.primaryKey().autoIncrement()];
}

/**
 * The migrations. `key` seals outbox entries moved from the first layout; `dialect` (default
 * `sqlite`) picks the column types that differ.
 * @param {{ key: Buffer, dialect?: JournalDialect }} context
 * @returns {Record<(typeof MIGRATIONS)[number], Migration>}
 */
export function journalMigrations({ key, dialect = 'sqlite' }) {
  const [serialType, serial] = serialKey(dialect);
  // Epoch milliseconds: SQLite's integer is 64-bit, PostgreSQL's is not.
  const epochMs = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    // The layout callhook created before its schema had versions (`CREATE TABLE IF NOT EXISTS` at each
    // open): hence `ifNotExists`, so a database made by that code takes this step without a change.
    '0001_history_and_outbox': {
      async up(db) {
        await db.schema
          .createTable('calls')
          .ifNotExists()
          .addColumn('guid', 'text', (c) => c.primaryKey())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('snapshot', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('deliveries')
          .ifNotExists()
          .addColumn('seq', serialType, serial)
          .addColumn('call_guid', 'text', (c) => c.notNull())
          .addColumn('record', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('deliveries_by_call').ifNotExists().on('deliveries').column('call_guid').execute();
        await db.schema
          .createTable('outbox_entries')
          .ifNotExists()
          .addColumn('position', serialType, serial)
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('origin', 'text', (c) => c.notNull())
          .addColumn('created_at', epochMs, (c) => c.notNull())
          .addColumn('delivery', 'text', (c) => c.notNull())
          .addColumn('quarantined', 'text')
          .execute();
        await db.schema.createIndex('outbox_entries_by_origin').ifNotExists().on('outbox_entries').columns(['origin', 'position']).execute();
      },
    },
    // The first outbox (`outbox`: plain JSON, no positions) of databases made before outbox entries
    // were sealed: its entries move into `outbox_entries`, sealed, in their old order. A row that is not
    // JSON moves as it is, so reading it back quarantines it with the reason.
    '0002_outbox_of_the_first_layout': {
      async up(db) {
        const tables = await db.introspection.getTables();
        if (!tables.some((table) => table.name === 'outbox')) return;
        const rows = /** @type {{ id: string, created_at: number, delivery: string }[]} */ (
          await db
            .selectFrom('outbox')
            .select(['id', 'created_at', 'delivery'])
            .orderBy('created_at')
            .orderBy(sql`rowid`)
            .execute()
        );
        for (const row of rows) {
          const entry = {
            id: row.id,
            origin: originOfStored(row.delivery),
            created_at: row.created_at,
            delivery: seal(key, row.delivery),
          };
          await db
            .insertInto('outbox_entries')
            .values(entry)
            .onConflict((conflict) => conflict.column('id').doUpdateSet({ origin: entry.origin, created_at: entry.created_at, delivery: entry.delivery }))
            .execute();
        }
        await db.schema.dropTable('outbox').execute();
      },
    },
    // Several instances sharing one database (PostgreSQL): which instance wrote each history row, and
    // the lease an instance holds on each outbox entry it works on (owner, and until when by the
    // database's clock). A single SQLite instance leaves them null.
    '0003_instances_and_leases': {
      async up(db) {
        await db.schema.alterTable('calls').addColumn('instance', 'text').execute();
        await db.schema.alterTable('deliveries').addColumn('instance', 'text').execute();
        await db.schema.alterTable('outbox_entries').addColumn('lease_owner', 'text').execute();
        await db.schema
          .alterTable('outbox_entries')
          .addColumn('lease_until', dialect === 'postgres' ? 'timestamptz' : 'integer')
          .execute();
        if (dialect === 'postgres') {
          await db.schema.createIndex('outbox_entries_by_lease').on('outbox_entries').columns(['lease_until', 'position']).execute();
          // What every instance sharing the database must agree on, e.g. a check of the outbox key.
          await db.schema
            .createTable('journal_meta')
            .addColumn('name', 'text', (c) => c.primaryKey())
            .addColumn('value', 'text', (c) => c.notNull())
            .execute();
        }
      },
    },
  };
}

/**
 * Names of the migrations a database has run, from Kysely's table; none for a database made before
 * the schema had versions.
 * @param {AnyKysely} db
 * @returns {Promise<string[]>}
 */
async function ranMigrations(db) {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((table) => table.name === MIGRATION_TABLE)) return [];
  const rows = await db.selectFrom(MIGRATION_TABLE).select('name').execute();
  return rows.map((row) => String(row.name));
}

/** The origin of a stored entry's JSON, or '' when it is not a delivery (it is quarantined when read). @param {string} text */
function originOfStored(text) {
  try {
    const parsed = JSON.parse(text);
    return typeof parsed?.url === 'string' ? originOf(parsed) : '';
  } catch {
    return '';
  }
}

/**
 * Brings a database to the latest schema: runs, in order and each in its own transaction, the
 * migrations it has not run yet. Returns the names it ran; throws with the failing migration's name.
 * @param {AnyKysely} db
 * @param {{ key: Buffer, dialect?: JournalDialect }} context
 * @returns {Promise<string[]>}
 */
export async function migrateJournal(db, context) {
  const migrations = journalMigrations(context);
  const unknown = (await ranMigrations(db)).filter((name) => !(name in migrations));
  if (unknown.length > 0) {
    throw new Error(
      `its schema is newer than this callhook (it has run migration ${unknown.join(', ')}, which this version does not have): run the callhook that wrote it, or move the file aside to start a new journal`,
    );
  }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableName: MIGRATION_TABLE });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((result) => result.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(failed ? `schema migration ${failed.migrationName} failed: ${reason}` : `schema migration failed: ${reason}`);
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

// The journal's writes and reads, written with Kysely's query builder against `JournalTables`, so
// they run on any Kysely dialect: SQLite in the worker today, PostgreSQL later. Plain JavaScript
// (type-checked through JSDoc) so it runs in the worker from src and dist alike.
import { originOf, seal, unseal } from './outbox-seal.js';

/** @typedef {import('kysely').Kysely<import('./journal-schema.js').JournalTables>} JournalDb */
/** @typedef {import('./journal-protocol.js').JournalOp} JournalOp */
/** @typedef {import('./journal-protocol.js').JournalQuery} JournalQuery */

/** Log rows written between two prunes of the history and the delivery log. */
const PRUNE_EVERY = 1_000;

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * @param {JournalDb} db
 * @param {{ key: Buffer, keepCalls: number, keepDeliveries: number }} options
 */
export function createJournalStore(db, { key, keepCalls, keepDeliveries }) {
  let writesSincePrune = 0;

  /** @param {import('kysely').Transaction<import('./journal-schema.js').JournalTables>} trx @param {JournalOp} op */
  const apply = async (trx, op) => {
    switch (op[0]) {
      case 'call': {
        const row = { guid: op[1].guid, created_at: op[1].createdAt, snapshot: JSON.stringify(op[1]) };
        await trx
          .insertInto('calls')
          .values(row)
          .onConflict((c) => c.column('guid').doUpdateSet({ created_at: row.created_at, snapshot: row.snapshot }))
          .execute();
        writesSincePrune++;
        break;
      }
      case 'record':
        await trx.insertInto('deliveries').values({ call_guid: op[1].callGuid, record: JSON.stringify(op[1]) }).execute();
        writesSincePrune++;
        break;
      case 'enqueue': {
        const row = { id: op[1].id, origin: originOf(op[1]), created_at: op[1].createdAt, delivery: seal(key, JSON.stringify(op[1])) };
        // Written again (same id): the entry keeps its place and is usable again.
        await trx
          .insertInto('outbox_entries')
          .values(row)
          .onConflict((c) => c.column('id').doUpdateSet({ origin: row.origin, created_at: row.created_at, delivery: row.delivery, quarantined: null }))
          .execute();
        break;
      }
      case 'complete':
        await trx.deleteFrom('outbox_entries').where('id', '=', op[1]).execute();
        break;
      case 'quarantine':
        await trx.updateTable('outbox_entries').set({ quarantined: op[2] }).where('position', '=', op[1]).execute();
        break;
    }
  };

  /** @param {import('kysely').Transaction<import('./journal-schema.js').JournalTables>} trx */
  const prune = async (trx) => {
    writesSincePrune = 0;
    const newest = trx.selectFrom('calls').select('guid').orderBy('created_at', 'desc').limit(keepCalls);
    await trx.deleteFrom('calls').where('guid', 'not in', newest).execute();
    const last = await trx.selectFrom('deliveries').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
    if (last?.seq != null) await trx.deleteFrom('deliveries').where('seq', '<=', Number(last.seq) - keepDeliveries).execute();
  };

  return {
    /**
     * Applies ops in order, in one transaction: all of them are committed or none.
     * @param {JournalOp[]} ops
     */
    async writeBatch(ops) {
      await db.transaction().execute(async (trx) => {
        for (const op of ops) await apply(trx, op);
        if (writesSincePrune >= PRUNE_EVERY) await prune(trx);
      });
    },

    /**
     * Answers a read; it sees every batch written before it.
     * @param {JournalQuery} q
     */
    async query(q) {
      switch (q.query) {
        case 'page': {
          let page = db
            .selectFrom('outbox_entries')
            .select(['position', 'id', 'delivery'])
            .where('position', '>', q.after)
            .where('quarantined', 'is', null);
          if (q.origin !== undefined) page = page.where('origin', '=', q.origin);
          const rows = await page.orderBy('position').limit(q.limit + 1).execute();
          return {
            done: rows.length <= q.limit,
            rows: rows.slice(0, q.limit).map((row) => {
              try {
                return { position: row.position, id: row.id, text: unseal(key, row.delivery) };
              } catch (error) {
                return { position: row.position, id: row.id, error: messageOf(error) };
              }
            }),
          };
        }
        case 'quarantined': {
          const quarantined = db.selectFrom('outbox_entries').where('quarantined', 'is not', null);
          const counted = await quarantined.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
          const entries = await quarantined.select(['position', 'id', 'quarantined as reason']).orderBy('position').limit(q.limit).execute();
          return { count: Number(counted.count), entries };
        }
        case 'calls': {
          const rows = await db.selectFrom('calls').select('snapshot').orderBy('created_at', 'desc').limit(q.limit).execute();
          return rows.map((row) => JSON.parse(row.snapshot));
        }
        case 'deliveries': {
          let log = db.selectFrom('deliveries').select('record');
          if (q.callGuid !== undefined) log = log.where('call_guid', '=', q.callGuid);
          const rows = await log.orderBy('seq', 'desc').limit(q.limit).execute();
          return rows.map((row) => JSON.parse(row.record));
        }
      }
    },
  };
}

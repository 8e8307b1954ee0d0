// The journal's writes and reads, written with Kysely's query builder against `JournalTables`, so
// they run on any Kysely dialect: SQLite in the worker today, PostgreSQL later. Plain JavaScript
// (type-checked through JSDoc) so it runs in the worker from src and dist alike.
import { CompiledQuery } from 'kysely';
import { originOf, seal, unseal } from './outbox-seal.js';

/** @typedef {import('kysely').Kysely<import('./journal-schema.js').JournalTables>} JournalDb */
/** @typedef {import('./journal-protocol.js').JournalOp} JournalOp */
/** @typedef {import('./journal-protocol.js').JournalQuery} JournalQuery */

/** Log rows written between two prunes of the history and the delivery log. */
const PRUNE_EVERY = 1_000;
/** Delivery-log rows read per page while looking for the old ones (`removeOlderThan`). */
const RETENTION_PAGE = 500;

/**
 * Compiles a query once, with a marker value standing in for each named parameter, and returns a
 * function that runs the same SQL with the values given by name (other parameters keep the constant
 * the query was built with). The writes run thousands of times a
 * second; building and compiling each one again would cost the worker more than SQLite does.
 * @template {string} Name
 * @param {JournalDb} db
 * @param {readonly Name[]} names
 * @param {(db: JournalDb, value: (name: Name) => string) => import('kysely').Compilable<unknown>} build
 * @returns {(executor: Pick<JournalDb, 'executeQuery'>, values: Record<Name, unknown>) => Promise<unknown>}
 */
function compiledOnce(db, names, build) {
  const marker = (/** @type {Name} */ name) => `\u0000journal-parameter:${name}`;
  const compiled = build(db, marker).compile();
  // Per parameter: the name whose value goes there, or the constant the query was built with (null).
  const order = compiled.parameters.map((parameter) => ({ name: names.find((candidate) => marker(candidate) === parameter), parameter }));
  return (executor, values) =>
    executor.executeQuery(
      CompiledQuery.raw(
        compiled.sql,
        order.map(({ name, parameter }) => (name === undefined ? parameter : values[name])),
      ),
    );
}

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

  const writes = {
    putCall: compiledOnce(db, /** @type {const} */ (['guid', 'created_at', 'snapshot']), (q, v) =>
      q
        .insertInto('calls')
        .values({ guid: v('guid'), created_at: v('created_at'), snapshot: v('snapshot') })
        .onConflict((c) => c.column('guid').doUpdateSet({ created_at: v('created_at'), snapshot: v('snapshot') })),
    ),
    addRecord: compiledOnce(db, /** @type {const} */ (['call_guid', 'record']), (q, v) =>
      q.insertInto('deliveries').values({ call_guid: v('call_guid'), record: v('record') }),
    ),
    // Written again (same id): the entry keeps its place and is usable again.
    enqueue: compiledOnce(db, /** @type {const} */ (['id', 'origin', 'created_at', 'delivery']), (q, v) =>
      q
        .insertInto('outbox_entries')
        .values({ id: v('id'), origin: v('origin'), created_at: /** @type {never} */ (v('created_at')), delivery: v('delivery') })
        .onConflict((c) =>
          c.column('id').doUpdateSet({ origin: v('origin'), created_at: /** @type {never} */ (v('created_at')), delivery: v('delivery'), quarantined: null }),
        ),
    ),
    complete: compiledOnce(db, /** @type {const} */ (['id']), (q, v) => q.deleteFrom('outbox_entries').where('id', '=', v('id'))),
    quarantine: compiledOnce(db, /** @type {const} */ (['position', 'reason']), (q, v) =>
      q
        .updateTable('outbox_entries')
        .set({ quarantined: v('reason') })
        .where('position', '=', /** @type {never} */ (v('position'))),
    ),
  };

  /** @param {import('kysely').Transaction<import('./journal-schema.js').JournalTables>} trx @param {JournalOp} op */
  const apply = async (trx, op) => {
    switch (op[0]) {
      case 'call':
        await writes.putCall(trx, { guid: op[1].guid, created_at: op[1].createdAt, snapshot: JSON.stringify(op[1]) });
        writesSincePrune++;
        break;
      case 'record':
        await writes.addRecord(trx, { call_guid: op[1].callGuid, record: JSON.stringify(op[1]) });
        writesSincePrune++;
        break;
      case 'enqueue':
        await writes.enqueue(trx, { id: op[1].id, origin: originOf(op[1]), created_at: op[1].createdAt, delivery: seal(key, JSON.stringify(op[1])) });
        break;
      case 'complete':
        await writes.complete(trx, { id: op[1] });
        break;
      case 'quarantine':
        await writes.quarantine(trx, { position: op[1], reason: op[2] });
        break;
    }
  };

  /** @param {import('kysely').Transaction<import('./journal-schema.js').JournalTables>} trx */
  const prune = async (trx) => {
    writesSincePrune = 0;
    const newest = trx.selectFrom('calls').select('guid').orderBy('created_at', 'desc').limit(keepCalls);
    await trx.deleteFrom('calls').where('guid', 'not in', newest).execute();
    const last = await trx
      .selectFrom('deliveries')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    if (last?.seq != null)
      await trx
        .deleteFrom('deliveries')
        .where('seq', '<=', Number(last.seq) - keepDeliveries)
        .execute();
  };

  /**
   * Retention (`journal.keepDays`): removes calls created before `before` (epoch ms) and delivery
   * records stamped before it, in one transaction. Records are appended in time order, so the old ones
   * are a prefix by `seq`: it is found by reading from the oldest in pages (dialect-neutral, no JSON
   * functions) and removed with one delete. The outbox is never touched.
   * @param {number} before
   * @returns {Promise<{ calls: number, deliveries: number }>}
   */
  const removeOlderThan = async (before) => {
    return db.transaction().execute(async (trx) => {
      const calls = await trx.deleteFrom('calls').where('created_at', '<', new Date(before).toISOString()).executeTakeFirst();
      let lastOld = null;
      let deliveries = 0;
      for (let after = 0, more = true; more;) {
        const rows = await trx.selectFrom('deliveries').select(['seq', 'record']).where('seq', '>', after).orderBy('seq').limit(RETENTION_PAGE).execute();
        for (const row of rows) {
          if (JSON.parse(row.record).at >= before) {
            more = false;
            break;
          }
          lastOld = Number(row.seq);
          deliveries++;
        }
        const last = rows[rows.length - 1];
        if (rows.length < RETENTION_PAGE || last === undefined) more = false;
        else after = Number(last.seq);
      }
      if (lastOld !== null) await trx.deleteFrom('deliveries').where('seq', '<=', lastOld).execute();
      return { calls: Number(calls.numDeletedRows), deliveries };
    });
  };

  return {
    removeOlderThan,

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
          let page = db.selectFrom('outbox_entries').select(['position', 'id', 'delivery']).where('position', '>', q.after).where('quarantined', 'is', null);
          if (q.origin !== undefined) page = page.where('origin', '=', q.origin);
          const rows = await page
            .orderBy('position')
            .limit(q.limit + 1)
            .execute();
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
        case 'removeOlderThan':
          return removeOlderThan(q.before);
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

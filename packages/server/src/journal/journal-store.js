// The journal's writes and reads, written with Kysely's query builder against `JournalTables`, so
// they run on any Kysely dialect: SQLite in the worker today, PostgreSQL later. Plain JavaScript
// (type-checked through JSDoc) so it runs in the worker from src and dist alike.
import { CompiledQuery, sql } from 'kysely';
import { seal, unseal } from './outbox-seal.js';

/** @typedef {import('kysely').Kysely<import('./journal-schema.js').JournalTables>} JournalDb */
/** @typedef {import('./journal-protocol.js').JournalOp} JournalOp */
/** @typedef {import('./journal-protocol.js').JournalQuery} JournalQuery */

/** Log rows written between two prunes of the history and the delivery log. */
const PRUNE_EVERY = 1_000;
/** Delivery-log rows read per page while looking for the old ones (`removeOlderThan`). */
const RETENTION_PAGE = 500;

/**
 * A write compiled once: `sql` and the `parameters` for its values, given in the order of the names the
 * write was compiled with (no object per op), or `run` it so through a Kysely executor.
 * @typedef {{ sql: string, parameters: (values: readonly unknown[]) => unknown[], run: (executor: Pick<JournalDb, 'executeQuery'>, values: readonly unknown[]) => Promise<unknown> }} CompiledWrite
 */

/**
 * Compiles a query once, with a marker value standing in for each named parameter, and returns the
 * same SQL to run with values given in the order of `names` (other parameters keep the constant the query was
 * built with). The writes run thousands of times a second; building and compiling each one again
 * would cost the worker more than SQLite does.
 * @template {string} Name
 * @param {JournalDb} db
 * @param {readonly Name[]} names
 * @param {(db: JournalDb, value: (name: Name) => string) => import('kysely').Compilable<unknown>} build
 * @returns {CompiledWrite}
 */
function compiledOnce(db, names, build) {
  const marker = (/** @type {Name} */ name) => `\u0000journal-parameter:${name}`;
  const compiled = build(db, marker).compile();
  // Per parameter: the index of its value among `names`, or -1 for the constant the query was built with.
  const slots = compiled.parameters.map((parameter) => ({ index: names.findIndex((name) => marker(name) === parameter), parameter }));
  /** @param {readonly unknown[]} values */
  const parameters = (values) => slots.map(({ index, parameter }) => (index < 0 ? parameter : values[index]));
  return {
    sql: compiled.sql,
    parameters,
    run: (executor, values) => executor.executeQuery(CompiledQuery.raw(compiled.sql, parameters(values))),
  };
}

/**
 * A connection that runs statements synchronously (better-sqlite3): `run` executes one statement with
 * its parameters, `transaction` runs `work` in one transaction (committed when it returns, rolled
 * back when it throws). The worker's batches then cost no promise per statement.
 * @typedef {{ run: (sql: string, parameters: unknown[]) => void, transaction: (work: () => void) => void }} SyncConnection
 */

/**
 * Usable entries above `after` (of one origin when given), in outbox order, one more than `limit`.
 * @param {JournalDb} db
 * @param {{ after: number, limit: number, origin?: string }} q
 */
function readPage(db, q) {
  let page = db.selectFrom('outbox_entries').select(['position', 'id', 'delivery']).where('position', '>', q.after).where('quarantined', 'is', null);
  if (q.origin !== undefined) page = page.where('origin', '=', q.origin);
  return page
    .orderBy('position')
    .limit(q.limit + 1)
    .execute();
}

/**
 * `readPage` for an instance sharing the outbox: only entries leased to `lease.owner` or whose lease
 * ran out, each claimed (leased to this owner again) in the same statement. Rows another instance
 * has locked are skipped (`FOR UPDATE SKIP LOCKED`), so two instances never claim the same entry.
 * @param {JournalDb} db
 * @param {OutboxLease} lease
 * @param {{ after: number, limit: number, origin?: string }} q
 */
async function claimPage(db, lease, q) {
  let mine = db
    .selectFrom('outbox_entries')
    .select('position')
    .where('position', '>', q.after)
    .where('quarantined', 'is', null)
    .where((eb) => eb.or([eb('lease_owner', '=', lease.owner), eb('lease_until', 'is', null), eb('lease_until', '<', /** @type {never} */ (sql`now()`))]));
  if (q.origin !== undefined) mine = mine.where('origin', '=', q.origin);
  const claimable = mine
    .orderBy('position')
    .limit(q.limit + 1)
    .forUpdate()
    .skipLocked();
  const rows = await db
    .updateTable('outbox_entries')
    .set({ lease_owner: lease.owner, lease_until: /** @type {never} */ (lease.until) })
    .where('position', 'in', claimable)
    .returning(['position', 'id', 'delivery'])
    .execute();
  return rows.sort((a, b) => Number(a.position) - Number(b.position));
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A lease on outbox entries, for a database several instances share: the instance's `owner` name and
 * the SQL expression of the lease's end (the database's clock, so the instances' clocks never matter).
 * @typedef {{ owner: string, until: import('kysely').RawBuilder<unknown> }} OutboxLease
 */

/**
 * The store over a migrated database. `instance` is written beside each history row (null for a
 * single instance). With `lease`, every entry this instance writes is leased to it, and outbox pages
 * claim what they read (see `query('page')`). `coalesce` writes each batch as a few multi-row statements.
 * @param {JournalDb} db
 * @param {{ key: Buffer, keepCalls: number, keepDeliveries: number, instance?: string | null, lease?: OutboxLease | null, coalesce?: boolean, sync?: SyncConnection | null }} options
 * `sync`: the same database as a synchronous connection (SQLite in the worker), which write batches use.
 */
export function createJournalStore(db, { key, keepCalls, keepDeliveries, instance = null, lease = null, coalesce = false, sync = null }) {
  let writesSincePrune = 0;
  const leased = lease ? { lease_owner: lease.owner, lease_until: /** @type {never} */ (lease.until) } : {};

  const writes = {
    putCall: compiledOnce(db, /** @type {const} */ (['guid', 'created_at', 'snapshot']), (q, v) =>
      q
        .insertInto('calls')
        .values({ guid: v('guid'), created_at: v('created_at'), snapshot: v('snapshot'), instance })
        .onConflict((c) => c.column('guid').doUpdateSet({ created_at: v('created_at'), snapshot: v('snapshot'), instance })),
    ),
    addRecord: compiledOnce(db, /** @type {const} */ (['call_guid', 'record']), (q, v) =>
      q.insertInto('deliveries').values({ call_guid: v('call_guid'), record: v('record'), instance }),
    ),
    // Written again (same id): the entry keeps its place and is usable again.
    enqueue: compiledOnce(db, /** @type {const} */ (['id', 'origin', 'created_at', 'delivery']), (q, v) =>
      q
        .insertInto('outbox_entries')
        .values({ id: v('id'), origin: v('origin'), created_at: /** @type {never} */ (v('created_at')), delivery: v('delivery'), ...leased })
        .onConflict((c) =>
          c
            .column('id')
            .doUpdateSet({ origin: v('origin'), created_at: /** @type {never} */ (v('created_at')), delivery: v('delivery'), quarantined: null, ...leased }),
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

  /**
   * The stored text of an outbox entry: sealed when it holds a secret (`holdsSecret` in journal-protocol.ts),
   * else its JSON, which `unseal` reads as it is.
   * @param {Extract<JournalOp, readonly ['enqueue', ...unknown[]]>} op
   */
  const sealIf = (op) => (op[5] ? seal(key, op[4]) : op[4]);

  /**
   * The statement an op runs and its values, in the order of the write's names (counting the log rows
   * written since the last prune).
   * @param {JournalOp} op
   * @returns {[CompiledWrite, unknown[]]}
   */
  const statementOf = (op) => {
    switch (op[0]) {
      case 'call':
        writesSincePrune++;
        return [writes.putCall, [op[1], op[2], op[3]]];
      case 'record':
        writesSincePrune++;
        return [writes.addRecord, [op[1], op[2]]];
      case 'enqueue':
        return [writes.enqueue, [op[1], op[2], op[3], sealIf(op)]];
      case 'complete':
        return [writes.complete, [op[1]]];
      case 'quarantine':
        return [writes.quarantine, [op[1], op[2]]];
    }
  };

  /** @param {import('kysely').Transaction<import('./journal-schema.js').JournalTables>} trx @param {JournalOp} op */
  const apply = async (trx, op) => {
    const [write, values] = statementOf(op);
    await write.run(trx, values);
  };

  /**
   * A batch's net effect as multi-row statements: ids to delete (run first), entries to write (after,
   * so an entry completed and then written again in one batch takes a new position, as it would one
   * by one), the last snapshot of each call, and the records in order. Null for a batch that
   * quarantines: it is applied op by op.
   * @param {JournalOp[]} ops
   */
  const coalesced = (ops) => {
    /** @type {Set<string>} */
    const deletes = new Set();
    /** @type {Map<string, Extract<JournalOp, readonly ['enqueue', ...unknown[]]>>} */
    const entries = new Map();
    /** @type {Map<string, Extract<JournalOp, readonly ['call', ...unknown[]]>>} */
    const calls = new Map();
    /** @type {Extract<JournalOp, readonly ['record', ...unknown[]]>[]} */
    const records = [];
    for (const op of ops) {
      switch (op[0]) {
        case 'call':
          calls.delete(op[1]);
          calls.set(op[1], op);
          break;
        case 'record':
          records.push(op);
          break;
        case 'enqueue':
          entries.set(op[1], op);
          break;
        case 'complete':
          entries.delete(op[1]);
          deletes.add(op[1]);
          break;
        case 'quarantine':
          return null;
      }
    }
    return { deletes: [...deletes], entries: [...entries.values()], calls: [...calls.values()], records };
  };

  /**
   * @param {import('kysely').Transaction<import('./journal-schema.js').JournalTables>} trx
   * @param {NonNullable<ReturnType<typeof coalesced>>} plan
   */
  const applyPlan = async (trx, plan) => {
    if (plan.deletes.length > 0) await trx.deleteFrom('outbox_entries').where('id', 'in', plan.deletes).execute();
    if (plan.entries.length > 0) {
      await trx
        .insertInto('outbox_entries')
        .values(
          plan.entries.map((entry) => ({
            id: entry[1],
            origin: entry[2],
            created_at: entry[3],
            delivery: sealIf(entry),
            quarantined: null,
            ...leased,
          })),
        )
        .onConflict((c) =>
          c.column('id').doUpdateSet((eb) => ({
            origin: eb.ref('excluded.origin'),
            created_at: eb.ref('excluded.created_at'),
            delivery: eb.ref('excluded.delivery'),
            quarantined: null,
            ...leased,
          })),
        )
        .execute();
    }
    if (plan.calls.length > 0) {
      await trx
        .insertInto('calls')
        .values(plan.calls.map(([, guid, createdAt, snapshot]) => ({ guid, created_at: createdAt, snapshot, instance })))
        .onConflict((c) =>
          c.column('guid').doUpdateSet((eb) => ({ created_at: eb.ref('excluded.created_at'), snapshot: eb.ref('excluded.snapshot'), instance })),
        )
        .execute();
      writesSincePrune += plan.calls.length;
    }
    if (plan.records.length > 0) {
      await trx
        .insertInto('deliveries')
        .values(plan.records.map(([, callGuid, record]) => ({ call_guid: callGuid, record, instance })))
        .execute();
      writesSincePrune += plan.records.length;
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
     * With a lease: extends this instance's lease on every entry it holds, returning how many.
     */
    async renewLeases() {
      if (!lease) return 0;
      const result = await db
        .updateTable('outbox_entries')
        .set({ lease_until: /** @type {never} */ (lease.until) })
        .where('lease_owner', '=', lease.owner)
        .where('quarantined', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    /**
     * With a lease: ends this instance's leases (a clean stop), so another instance may claim the
     * entries left at once rather than when the leases would have run out.
     */
    async releaseLeases() {
      if (!lease) return;
      await db.updateTable('outbox_entries').set({ lease_until: null }).where('lease_owner', '=', lease.owner).execute();
    },

    /**
     * With a lease: whether a usable entry's lease has run out (its instance stopped renewing it), so
     * that an outbox page would now claim it.
     */
    async leasesExpired() {
      if (!lease) return false;
      const row = await db
        .selectFrom('outbox_entries')
        .select('position')
        .where('quarantined', 'is', null)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', /** @type {never} */ (sql`now()`))]))
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    /**
     * Applies ops in order, in one transaction: all of them are committed or none. With `coalesce`
     * (a database across a network, where each statement is a round trip) the batch is written as a
     * few multi-row statements with the same outcome as applying its ops one by one.
     * @param {JournalOp[]} ops
     */
    async writeBatch(ops) {
      if (sync && !coalesce) {
        // One synchronous transaction of prepared statements; the prune, when due, in its own after it.
        if (this.writeBatchSync(ops)) await this.prune();
        return;
      }
      const plan = coalesce ? coalesced(ops) : null;
      await db.transaction().execute(async (trx) => {
        if (plan) await applyPlan(trx, plan);
        else for (const op of ops) await apply(trx, op);
        if (writesSincePrune >= PRUNE_EVERY) await prune(trx);
      });
    },

    /**
     * `writeBatch` on the synchronous connection (the store was made with `sync` and without
     * `coalesce`): the ops in one transaction, committed when it returns, none of them when it throws.
     * Returns true when the history and the delivery log are due to be pruned: then `prune()` next,
     * before the batch counts as written (as `writeBatch` does). The worker's batches take this path
     * with no promise at all while no read is waiting.
     * @param {JournalOp[]} ops
     * @returns {boolean}
     */
    writeBatchSync(ops) {
      if (!sync || coalesce) throw new Error('writeBatchSync needs a synchronous connection without coalesce');
      sync.transaction(() => {
        for (const op of ops) {
          const [write, values] = statementOf(op);
          sync.run(write.sql, write.parameters(values));
        }
      });
      return writesSincePrune >= PRUNE_EVERY;
    },

    /** Prunes the history and the delivery log to `keepCalls` / `keepDeliveries` rows, in its own transaction. */
    async prune() {
      await db.transaction().execute(prune);
    },

    /**
     * Answers a read; it sees every batch written before it.
     * @param {JournalQuery} q
     */
    async query(q) {
      switch (q.query) {
        case 'page': {
          const rows = lease ? await claimPage(db, lease, q) : await readPage(db, q);
          return {
            done: rows.length <= q.limit,
            rows: rows.slice(0, q.limit).map((row) => {
              const position = Number(row.position); // PostgreSQL's bigint arrives as a string
              try {
                return { position, id: row.id, text: unseal(key, row.delivery) };
              } catch (error) {
                return { position, id: row.id, error: messageOf(error) };
              }
            }),
          };
        }
        case 'quarantined': {
          const quarantined = db.selectFrom('outbox_entries').where('quarantined', 'is not', null);
          const counted = await quarantined.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
          const rows = await quarantined.select(['position', 'id', 'quarantined as reason']).orderBy('position').limit(q.limit).execute();
          return { count: Number(counted.count), entries: rows.map((row) => ({ ...row, position: Number(row.position) })) };
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

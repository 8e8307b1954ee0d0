// The journal's SQLite connection, on its own thread so disk writes never stall the event loop.
// Plain JavaScript (type-checked through JSDoc) so the same file runs from the sources in tests and
// benches and from dist in production, without a TypeScript loader inside the worker.
//
// SQLite is this file's part: the file's mode, the pragmas, the integrity check, and Kysely's SQLite
// dialect over the better-sqlite3 connection. The schema (journal-migrations.js) and the queries
// (journal-store.js) are Kysely's, dialect-neutral.
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { migrateJournal } from './journal-migrations.js';
import { createJournalStore } from './journal-store.js';
import { outboxKey } from './outbox-seal.js';

/** @typedef {import('./journal-protocol.js').JournalOp} JournalOp */
/** @typedef {import('./journal-protocol.js').JournalQuery} JournalQuery */
/** @typedef {import('./journal-protocol.js').ToWorker} ToWorker */
/** @typedef {import('./journal-protocol.js').BatchOutcome} BatchOutcome */
/** @typedef {import('./journal-protocol.js').Reply} Reply */
/** @typedef {import('./journal-protocol.js').WorkerMemory} WorkerMemory */

/** SQLite's result codes for a damaged file or one that is no database. */
const DAMAGED_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_INDEX', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_VTAB']);

/** @param {string} file @param {string} reason */
function damaged(file, reason) {
  return new Error(
    `${file} is damaged (${reason}): stop callhook, move it aside (mv ${file} ${file}.damaged, with its -wal and -shm files) or restore it from a backup, then start again`,
  );
}

/** Creates the file 0600 before SQLite does, so its -wal and -shm files get the same mode. @param {string} file */
function privateFile(file) {
  try {
    closeSync(openSync(file, 'a', 0o600));
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT') return; // SQLite says why, in its words
    throw error;
  }
  chmodSync(file, 0o600);
  for (const side of [`${file}-wal`, `${file}-shm`]) if (existsSync(side)) chmodSync(side, 0o600);
}

const setup = /** @type {import('./journal-protocol.js').WorkerSetup} */ (workerData);
// Mirrors OPEN_CALL and FATAL_CALL in journal-protocol.ts (a .ts module this file cannot import at run time).
const OPEN_CALL = 0;
const FATAL_CALL = -1;
/** Prepared statements kept per connection (the store's queries are a few dozen distinct texts). */
const STATEMENTS_KEPT = 256;
/**
 * SQLite's page cache for the connection, KiB (`PRAGMA cache_size` with a negative value is KiB,
 * https://sqlite.org/pragma.html#pragma_cache_size). better-sqlite3 builds SQLite with 16,000 KiB,
 * which the cache fills as the file grows towards `keepCalls` and `keepDeliveries` (about 2 KiB of
 * file per call with three Action URLs): RSS rose with every call for the first ~8,000 calls. The
 * writes touch the newest pages of each table and index; the rest are read from the OS's cache.
 */
const PAGE_CACHE_KIB = 2_048;

// The main thread may be waiting for an answer: never die without giving one.
process.on('uncaughtException', (error) => {
  reply({ call: FATAL_CALL, ok: false, message: `journal worker failed: ${messageOf(error)}` });
  process.exit(1);
});

/** @param {Reply} message */
function reply(message) {
  setup.replies.postMessage(message);
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The connection as Kysely's SQLite dialect sees it, preparing each distinct statement once: the
 * store builds the same few queries for every op, and better-sqlite3 would otherwise compile each
 * one again.
 * @param {import('better-sqlite3').Database} db
 * @returns {import('kysely').SqliteDatabase}
 */
function preparedOnce(db) {
  /** @type {Map<string, import('better-sqlite3').Statement>} */
  const statements = new Map();
  return {
    close: () => db.close(),
    prepare(text) {
      let statement = statements.get(text);
      if (!statement) {
        if (statements.size >= STATEMENTS_KEPT) statements.clear();
        statement = db.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

/**
 * The same connection for the store's write batches, synchronous: each batch one better-sqlite3
 * transaction of the prepared statements, without Kysely's promise per statement.
 * @param {import('better-sqlite3').Database} db
 * @param {import('kysely').SqliteDatabase} prepared
 * @returns {import('./journal-store.js').SyncConnection}
 */
function syncConnection(db, prepared) {
  const inTransaction = db.transaction((/** @type {() => void} */ work) => work());
  return {
    run: (sql, parameters) => void (/** @type {import('better-sqlite3').Statement} */ (prepared.prepare(sql)).run(parameters)),
    transaction: (work) => inTransaction(work),
  };
}

/**
 * Opens the file, checks it, brings its schema up to date and returns the store over it.
 * @param {typeof import('better-sqlite3')} Database
 * @param {typeof import('kysely')} kysely
 * @param {string} file
 */
async function openJournal(Database, kysely, file) {
  const onDisk = file !== ':memory:';
  if (onDisk) privateFile(file);
  const sqlite = new Database(file, { timeout: setup.busyTimeoutMs });
  const prepared = preparedOnce(sqlite);
  /** @type {import('kysely').Kysely<import('./journal-schema.js').JournalTables>} */
  const db = new kysely.Kysely({ dialect: new kysely.SqliteDialect({ database: prepared }) });
  try {
    const key = outboxKey(setup.keyFile);
    // WAL with synchronous=NORMAL keeps every committed write across a crash of the process (kill -9).
    if (onDisk) sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    // Deleted entries are overwritten, so a completed delivery's sealed bytes do not linger in free pages.
    sqlite.pragma('secure_delete = ON');
    // Damaged pages are found now, with the fix, rather than by a later read that fails.
    const rows = /** @type {{ quick_check: string }[]} */ (sqlite.pragma('quick_check'));
    const check = rows.map((row) => row.quick_check);
    if (check.length !== 1 || check[0] !== 'ok') throw damaged(file, check.slice(0, 3).join('; '));
    const ran = await migrateJournal(db, { key });
    // Entries moved from the first outbox were plain JSON: leave none of their bytes in the WAL.
    if (onDisk && ran.includes('0002_outbox_of_the_first_layout')) sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const store = createJournalStore(db, { key, keepCalls: setup.keepCalls, keepDeliveries: setup.keepDeliveries, sync: syncConnection(sqlite, prepared) });
    return { db, store, sqlite };
  } catch (error) {
    await db.destroy();
    const cause = /** @type {{ cause?: unknown }} */ (error).cause ?? error;
    const code = /** @type {{ code?: string }} */ (cause).code;
    if (code && DAMAGED_CODES.has(code)) throw damaged(file, messageOf(cause));
    throw error;
  }
}

/**
 * This thread's memory: its isolate's heap and the page cache's limit read back from the connection
 * (negative `cache_size` is KiB, positive is pages).
 * @param {import('better-sqlite3').Database | undefined} sqlite
 * @returns {WorkerMemory}
 */
function workerMemory(sqlite) {
  const usage = process.memoryUsage();
  let pageCacheLimitKiB = null;
  if (sqlite) {
    const size = Number(sqlite.pragma('cache_size', { simple: true }));
    pageCacheLimitKiB = size < 0 ? -size : (size * Number(sqlite.pragma('page_size', { simple: true }))) / 1024;
  }
  return { heapUsedBytes: usage.heapUsed, heapTotalBytes: usage.heapTotal, externalBytes: usage.external, pageCacheLimitKiB };
}

/**
 * Answers the main thread in the order it asked: each message is handled after the one before it
 * has finished, so a read sees every batch posted before it. A file that cannot be opened is
 * reported once, in the reply to opening; every later write then fails and every read repeats why.
 * @param {import('node:worker_threads').MessagePort} port
 */
async function serve(port) {
  /** @type {Awaited<ReturnType<typeof openJournal>> | null} */
  let journal = null;
  let openError = '';
  try {
    // Loaded here rather than imported at the top, so a native module that fails to load (a wrong ABI)
    // is reported as the reason the journal could not open.
    const [{ default: Database }, kysely] = await Promise.all([import('better-sqlite3'), import('kysely')]);
    journal = await openJournal(Database, kysely, setup.file);
    reply({ call: OPEN_CALL, ok: true, value: null });
  } catch (error) {
    openError = messageOf(error);
    reply({ call: OPEN_CALL, ok: false, message: openError });
  }
  /** @param {ToWorker} message */
  const handle = async (message) => {
    switch (message.type) {
      case 'writes': {
        /** @type {BatchOutcome} */
        let outcome = message.upTo;
        try {
          if (!journal) throw new Error(openError);
          await journal.store.writeBatch(message.ops);
        } catch (error) {
          outcome = { type: 'failed', upTo: message.upTo, message: messageOf(error) };
        }
        port.postMessage(outcome);
        break;
      }
      case 'query':
        try {
          if (message.query === 'memory') {
            reply({ call: message.call, ok: true, value: workerMemory(journal?.sqlite) });
            break;
          }
          if (!journal) throw new Error(openError);
          reply({ call: message.call, ok: true, value: await journal.store.query(message) });
        } catch (error) {
          reply({ call: message.call, ok: false, message: messageOf(error) });
        }
        break;
      case 'close':
        try {
          await journal?.db.destroy();
          reply({ call: message.call, ok: true, value: null });
        } catch (error) {
          reply({ call: message.call, ok: false, message: messageOf(error) });
        }
        port.close();
        setup.replies.close();
        break;
    }
  };
  /** @param {unknown} error */
  const fatal = (error) => reply({ call: FATAL_CALL, ok: false, message: `journal worker failed: ${messageOf(error)}` });
  let previous = Promise.resolve();
  /** Messages handed to the promise chain and not yet handled (a read, or what came in behind one). */
  let chained = 0;
  /** @param {() => Promise<void>} work */
  const chain = (work) => {
    chained++;
    previous = previous
      .then(work)
      .catch(fatal)
      .finally(() => chained--);
  };
  /**
   * A write batch with nothing ahead of it in the chain: one synchronous transaction and its outcome
   * posted at once, no promise (most batches; the chain costs the worker a microtask round per message).
   * @param {Extract<ToWorker, { type: 'writes' }>} message
   * @param {NonNullable<typeof journal>} open
   */
  const writeNow = (message, open) => {
    /** @type {BatchOutcome} */
    let outcome = message.upTo;
    try {
      if (open.store.writeBatchSync(message.ops)) {
        // The prune is Kysely's (a promise): the batch counts as written after it, as in `writeBatch`.
        chain(async () => {
          /** @type {BatchOutcome} */
          let pruned = message.upTo;
          try {
            await open.store.prune();
          } catch (error) {
            pruned = { type: 'failed', upTo: message.upTo, message: messageOf(error) };
          }
          port.postMessage(pruned);
        });
        return;
      }
    } catch (error) {
      outcome = { type: 'failed', upTo: message.upTo, message: messageOf(error) };
    }
    port.postMessage(outcome);
  };
  port.on('message', (/** @type {ToWorker} */ message) => {
    try {
      if (message.type === 'writes' && chained === 0 && journal) writeNow(message, journal);
      else chain(() => handle(message));
    } catch (error) {
      fatal(error);
    }
  });
}

if (parentPort) await serve(parentPort);

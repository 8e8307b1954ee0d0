// The journal's SQLite connection, on its own thread so disk writes never stall the event loop.
// Plain JavaScript (type-checked through JSDoc) so the same file runs from the sources in tests and
// benches and from dist in production, without a TypeScript loader inside the worker.
import { parentPort, workerData } from 'node:worker_threads';

/** @typedef {import('./journal-protocol.js').JournalOp} JournalOp */
/** @typedef {import('./journal-protocol.js').JournalQuery} JournalQuery */
/** @typedef {import('./journal-protocol.js').ToWorker} ToWorker */
/** @typedef {import('./journal-protocol.js').BatchOutcome} BatchOutcome */
/** @typedef {import('./journal-protocol.js').Reply} Reply */

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS calls (guid TEXT PRIMARY KEY, created_at TEXT NOT NULL, snapshot TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS deliveries (seq INTEGER PRIMARY KEY AUTOINCREMENT, call_guid TEXT NOT NULL, record TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS deliveries_by_call ON deliveries (call_guid);
  CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, delivery TEXT NOT NULL);
`;

const setup = /** @type {import('./journal-protocol.js').WorkerSetup} */ (workerData);
const replyFlag = new Int32Array(setup.replyFlag);
// Mirrors OPEN_CALL and FATAL_CALL in journal-protocol.ts (a .ts module this file cannot import at run time).
const OPEN_CALL = 0;
const FATAL_CALL = -1;

// The main thread may be blocked waiting for an answer: never die without giving one.
process.on('uncaughtException', (error) => {
  reply({ call: FATAL_CALL, ok: false, message: `journal worker failed: ${messageOf(error)}` });
  process.exit(1);
});

/** @param {Reply} message */
function reply(message) {
  setup.replies.postMessage(message);
  Atomics.store(replyFlag, 0, 1);
  Atomics.notify(replyFlag, 0);
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * @param {typeof import('better-sqlite3')} Database
 * @param {string} file
 */
function openJournal(Database, file) {
  const db = new Database(file, { timeout: setup.busyTimeoutMs });
  // WAL with synchronous=NORMAL keeps every committed write across a crash of the process (kill -9).
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  const statements = {
    putCall: db.prepare('INSERT OR REPLACE INTO calls (guid, created_at, snapshot) VALUES (?, ?, ?)'),
    addDelivery: db.prepare('INSERT INTO deliveries (call_guid, record) VALUES (?, ?)'),
    enqueue: db.prepare('INSERT OR REPLACE INTO outbox (id, created_at, delivery) VALUES (?, ?, ?)'),
    complete: db.prepare('DELETE FROM outbox WHERE id = ?'),
    pending: db.prepare('SELECT delivery FROM outbox ORDER BY created_at, rowid').pluck(),
    calls: db.prepare('SELECT snapshot FROM calls ORDER BY created_at DESC LIMIT ?').pluck(),
    deliveries: db.prepare('SELECT record FROM deliveries ORDER BY seq DESC LIMIT ?').pluck(),
    deliveriesOfCall: db.prepare('SELECT record FROM deliveries WHERE call_guid = ? ORDER BY seq DESC LIMIT ?').pluck(),
    pruneCalls: db.prepare('DELETE FROM calls WHERE guid NOT IN (SELECT guid FROM calls ORDER BY created_at DESC LIMIT ?)'),
    pruneDeliveries: db.prepare('DELETE FROM deliveries WHERE seq <= (SELECT MAX(seq) FROM deliveries) - ?'),
  };
  let writesSincePrune = 0;

  /** @param {JournalOp} op */
  const apply = (op) => {
    switch (op[0]) {
      case 'call':
        statements.putCall.run(op[1].guid, op[1].createdAt, JSON.stringify(op[1]));
        writesSincePrune++;
        break;
      case 'record':
        statements.addDelivery.run(op[1].callGuid, JSON.stringify(op[1]));
        writesSincePrune++;
        break;
      case 'enqueue':
        statements.enqueue.run(op[1].id, op[1].createdAt, JSON.stringify(op[1]));
        break;
      case 'complete':
        statements.complete.run(op[1]);
        break;
    }
  };
  const writeBatch = db.transaction((/** @type {JournalOp[]} */ ops) => {
    for (const op of ops) apply(op);
    if (writesSincePrune >= 1_000) {
      writesSincePrune = 0;
      statements.pruneCalls.run(setup.keepCalls);
      statements.pruneDeliveries.run(setup.keepDeliveries);
    }
  });
  /** @param {unknown[]} rows */
  const parseAll = (rows) => rows.map((row) => JSON.parse(/** @type {string} */ (row)));
  /** @param {JournalQuery} q */
  const query = (q) => {
    switch (q.query) {
      case 'pending':
        return parseAll(statements.pending.all());
      case 'calls':
        return parseAll(statements.calls.all(q.limit));
      case 'deliveries':
        return parseAll(q.callGuid === undefined ? statements.deliveries.all(q.limit) : statements.deliveriesOfCall.all(q.callGuid, q.limit));
    }
  };
  return { db, writeBatch, query };
}

/**
 * Answers the main thread in the order it asked. A file that cannot be opened is reported once, in
 * the reply to opening; every later write then fails and every read repeats why.
 * @param {import('node:worker_threads').MessagePort} port
 */
async function serve(port) {
  /** @type {ReturnType<typeof openJournal> | null} */
  let journal = null;
  let openError = '';
  try {
    // Loaded here rather than imported at the top, so a native module that fails to load (a wrong ABI)
    // is reported as the reason the journal could not open.
    const { default: Database } = await import('better-sqlite3');
    journal = openJournal(Database, setup.file);
    reply({ call: OPEN_CALL, ok: true, value: null });
  } catch (error) {
    openError = messageOf(error);
    reply({ call: OPEN_CALL, ok: false, message: openError });
  }
  port.on('message', (/** @type {ToWorker} */ message) => {
    switch (message.type) {
      case 'writes': {
        /** @type {BatchOutcome} */
        let outcome = { type: 'committed', upTo: message.upTo };
        try {
          if (!journal) throw new Error(openError);
          journal.writeBatch(message.ops);
        } catch (error) {
          outcome = { type: 'failed', upTo: message.upTo, message: messageOf(error) };
        }
        port.postMessage(outcome);
        break;
      }
      case 'query':
        try {
          if (!journal) throw new Error(openError);
          reply({ call: message.call, ok: true, value: journal.query(message) });
        } catch (error) {
          reply({ call: message.call, ok: false, message: messageOf(error) });
        }
        break;
      case 'close':
        try {
          journal?.db.close();
          reply({ call: message.call, ok: true, value: null });
        } catch (error) {
          reply({ call: message.call, ok: false, message: messageOf(error) });
        }
        port.close();
        setup.replies.close();
        break;
    }
  });
}

if (parentPort) await serve(parentPort);

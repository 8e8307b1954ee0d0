// The journal's SQLite connection, on its own thread so disk writes never stall the event loop.
// Plain JavaScript (type-checked through JSDoc) so the same file runs from the sources in tests and
// benches and from dist in production, without a TypeScript loader inside the worker.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
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

/** Prefix of an encrypted outbox entry: AES-256-GCM, then base64 of iv (12) | tag (16) | ciphertext. */
const SEALED = 'v1:';

/**
 * Mirrors core's originOf (this plain-JavaScript worker cannot import the TypeScript sources): the
 * receiver origin a delivery's lane group is keyed by.
 * @param {{ url: string, mode: string }} delivery
 */
function originOf(delivery) {
  if (delivery.mode === 'browser') return 'browser:';
  try {
    const origin = new URL(delivery.url).origin;
    return origin === 'null' ? delivery.url : origin;
  } catch {
    return delivery.url;
  }
}

/**
 * The key that seals outbox entries (their headers and signing secrets) at rest: 32 bytes in a 0600
 * file beside the database, made on first use; in memory for `:memory:`.
 * @param {string | null} keyFile
 */
function outboxKey(keyFile) {
  if (keyFile === null) return randomBytes(32);
  if (!existsSync(keyFile)) {
    try {
      writeFileSync(keyFile, randomBytes(32), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(keyFile, 0o600);
  const key = readFileSync(keyFile);
  if (key.length !== 32) throw new Error(`outbox key ${keyFile} is ${key.length} bytes, not 32: restore it, or move it aside to start a new one (the entries it sealed are then kept but not sent)`);
  return key;
}

/** @param {Buffer} key @param {string} text */
function seal(key, text) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return SEALED + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
}

/** @param {Buffer} key @param {string} stored @returns {string} the JSON text; throws with a reason */
function unseal(key, stored) {
  if (!stored.startsWith(SEALED)) return stored; // written before entries were sealed
  const bytes = Buffer.from(stored.slice(SEALED.length), 'base64');
  if (bytes.length < 28) throw new Error('sealed entry too short');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('cannot unseal the entry (a different outbox key, or damaged bytes)');
  }
}

/** SQLite's result codes for a damaged file or one that is no database. */
const DAMAGED_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_INDEX', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_VTAB']);

/** @param {string} file @param {string} reason */
function damaged(file, reason) {
  return new Error(`${file} is damaged (${reason}): stop callhook, move it aside (mv ${file} ${file}.damaged, with its -wal and -shm files) or restore it from a backup, then start again`);
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
  const onDisk = file !== ':memory:';
  if (onDisk) privateFile(file);
  const db = new Database(file, { timeout: setup.busyTimeoutMs });
  /** @type {Buffer} */
  let key;
  try {
    key = outboxKey(setup.keyFile);
    // WAL with synchronous=NORMAL keeps every committed write across a crash of the process (kill -9).
    if (onDisk) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Deleted entries are overwritten, so a completed delivery's sealed bytes do not linger in free pages.
    db.pragma('secure_delete = ON');
    // Damaged pages are found now, with the fix, rather than by a later read that fails.
    const rows = /** @type {{ quick_check: string }[]} */ (db.pragma('quick_check'));
    const check = rows.map((row) => row.quick_check);
    if (check.length !== 1 || check[0] !== 'ok') throw damaged(file, check.slice(0, 3).join('; '));
    db.exec(SCHEMA);
    migrateOutbox(db, key);
  } catch (error) {
    db.close();
    const code = /** @type {{ code?: string }} */ (error).code;
    if (code && DAMAGED_CODES.has(code)) throw damaged(file, messageOf(error));
    throw error;
  }
  const statements = {
    putCall: db.prepare('INSERT OR REPLACE INTO calls (guid, created_at, snapshot) VALUES (?, ?, ?)'),
    addDelivery: db.prepare('INSERT INTO deliveries (call_guid, record) VALUES (?, ?)'),
    enqueue: db.prepare('INSERT OR REPLACE INTO outbox_entries (id, origin, created_at, delivery) VALUES (?, ?, ?, ?)'),
    complete: db.prepare('DELETE FROM outbox_entries WHERE id = ?'),
    quarantine: db.prepare('UPDATE outbox_entries SET quarantined = ? WHERE position = ?'),
    page: db.prepare('SELECT position, id, delivery FROM outbox_entries WHERE position > ? AND quarantined IS NULL ORDER BY position LIMIT ?'),
    pageOfOrigin: db.prepare('SELECT position, id, delivery FROM outbox_entries WHERE origin = ? AND position > ? AND quarantined IS NULL ORDER BY position LIMIT ?'),
    quarantined: db.prepare('SELECT position, id, quarantined AS reason FROM outbox_entries WHERE quarantined IS NOT NULL ORDER BY position LIMIT ?'),
    quarantinedCount: db.prepare('SELECT COUNT(*) FROM outbox_entries WHERE quarantined IS NOT NULL').pluck(),
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
        statements.enqueue.run(op[1].id, originOf(op[1]), op[1].createdAt, seal(key, JSON.stringify(op[1])));
        break;
      case 'complete':
        statements.complete.run(op[1]);
        break;
      case 'quarantine':
        statements.quarantine.run(op[2], op[1]);
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
      case 'page': {
        const rows = /** @type {{ position: number, id: string, delivery: string }[]} */ (
          q.origin === undefined ? statements.page.all(q.after, q.limit + 1) : statements.pageOfOrigin.all(q.origin, q.after, q.limit + 1)
        );
        const done = rows.length <= q.limit;
        return {
          done,
          rows: rows.slice(0, q.limit).map((row) => {
            try {
              return { position: row.position, id: row.id, text: unseal(key, row.delivery) };
            } catch (error) {
              return { position: row.position, id: row.id, error: messageOf(error) };
            }
          }),
        };
      }
      case 'quarantined':
        return { count: statements.quarantinedCount.get(), entries: statements.quarantined.all(q.limit) };
      case 'calls':
        return parseAll(statements.calls.all(q.limit));
      case 'deliveries':
        return parseAll(q.callGuid === undefined ? statements.deliveries.all(q.limit) : statements.deliveriesOfCall.all(q.callGuid, q.limit));
    }
  };
  return { db, writeBatch, query };
}

/**
 * Moves entries of the outbox table of earlier versions (plain JSON, no positions) into
 * `outbox_entries`, sealed, in their old order; then drops the old table and truncates the WAL so
 * their plain bytes are not left behind.
 * @param {import('better-sqlite3').Database} db
 * @param {Buffer} key
 */
function migrateOutbox(db, key) {
  const old = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").get();
  if (!old) return;
  const insert = db.prepare('INSERT OR REPLACE INTO outbox_entries (id, origin, created_at, delivery) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const row of /** @type {{ id: string, created_at: number, delivery: string }[]} */ (db.prepare('SELECT id, created_at, delivery FROM outbox ORDER BY created_at, rowid').all())) {
      /** @type {{ url: string, mode: string }} */
      let parsed = { url: '', mode: '' };
      try {
        parsed = JSON.parse(row.delivery);
      } catch {
        // Kept as it is: reading it back quarantines it with the reason.
      }
      insert.run(row.id, typeof parsed?.url === 'string' ? originOf(parsed) : '', row.created_at, seal(key, row.delivery));
    }
    db.exec('DROP TABLE outbox');
  })();
  if (db.name !== ':memory:') db.pragma('wal_checkpoint(TRUNCATE)');
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

import { DEFAULT_KEEP_DAYS, type Journal, type JournalSettings } from '@callhook/core';
import { dirname, join } from 'node:path';
import { journalFile } from './data-dir.js';
import type { History } from './history.js';
import { PostgresJournal } from './postgres-journal.js';
import type { Retainable } from './retention.js';
import { SqliteJournal, type SqliteJournalOptions } from './sqlite-journal.js';

/**
 * Which journal to run, as the composition root reads it from its flags and settings:
 * - `memory`: nothing kept across restarts (`--data :memory:`), the same SQLite journal in memory;
 * - `sqlite`: `callhook.db` in a data directory (made 0700 if missing);
 * - `postgres`: a PostgreSQL database several instances may share (`PostgresJournal`: the same Kysely
 *   store and migrations over Kysely's PostgreSQL dialect); the data directory holds only the key
 *   sealing the outbox (`outbox.key`), which every instance sharing the database needs a copy of.
 *   `instance` names this instance in it (default `<hostname>-<pid>`); `leaseMs` is its outbox lease.
 */
export type JournalSpec =
  { kind: 'memory' } | { kind: 'sqlite'; dataDir: string } | { kind: 'postgres'; url: string; dataDir: string; instance?: string; leaseMs?: number };

/** What every journal reports through, whatever its kind. */
export type JournalHooks = Pick<SqliteJournalOptions, 'onWriteError' | 'onBadEntry'>;

/** A journal the server can run: core's port, the history the control API reads, and its lifecycle. */
export interface ServerJournal extends Journal, History {
  /** Opens storage if not yet; settles once it is open and its schema migrated; rejects in one line (with the fix) when not. */
  opened(): Promise<void>;
  /**
   * What start-up awaits before serving, when not `opened()`: a journal that opens on first use
   * (SQLite holding nothing yet) settles once its file can be made, without opening it.
   */
  readyToServe?(): Promise<void>;
  /** Writes what is pending and closes storage. */
  close(): Promise<void>;
  /** Retention (`journal.keepDays`); a journal without it keeps every row (start-up says so). */
  removeOlderThan?: Retainable['removeOlderThan'];
}

/** Options → journal, for one kind of `JournalSpec`. */
export type JournalFactory<Spec extends JournalSpec = JournalSpec> = (spec: Spec, hooks: JournalHooks) => ServerJournal;

/** One factory per kind of journal. */
export const JOURNAL_FACTORIES: { [Kind in JournalSpec['kind']]: JournalFactory<Extract<JournalSpec, { kind: Kind }>> } = {
  // Opened at the first write when they hold nothing yet: a server that takes no call never starts the
  // journal's worker (start-up CPU and memory); an existing file is opened at once, for its outbox.
  memory: (_spec, hooks) => new SqliteJournal(':memory:', { ...hooks, openOnFirstUse: true }),
  sqlite: (spec, hooks) => new SqliteJournal(journalFile(spec.dataDir), { ...hooks, openOnFirstUse: true }),
  postgres: (spec, hooks) =>
    new PostgresJournal({
      url: spec.url,
      instance: spec.instance,
      leaseMs: spec.leaseMs,
      keyFile: sharedKeyFile(spec.dataDir),
      ...hooks,
    }),
};

/**
 * The journal the settings' `journal` and the `--data` value name: PostgreSQL when the settings say
 * so (its outbox key in the data directory); else `:memory:` keeps nothing, anything else is a data
 * directory holding the SQLite file.
 */
export function journalSpecOf(dataDir: string, settings: JournalSettings = { type: 'sqlite', keepDays: DEFAULT_KEEP_DAYS }): JournalSpec {
  if (settings.type === 'postgres') {
    const spec: JournalSpec = { kind: 'postgres', url: settings.url, dataDir, leaseMs: settings.leaseSeconds * 1_000 };
    return settings.instance === undefined ? spec : { ...spec, instance: settings.instance };
  }
  return dataDir === ':memory:' ? { kind: 'memory' } : { kind: 'sqlite', dataDir };
}

/** The outbox key of a PostgreSQL journal: `outbox.key` in the data directory (made 0700 if missing). */
function sharedKeyFile(dataDir: string): string {
  if (dataDir === ':memory:')
    throw new Error('a PostgreSQL journal keeps the key sealing its outbox in the data directory: give --data a directory, not :memory:');
  return join(dirname(journalFile(dataDir)), 'outbox.key');
}

/** Makes the journal `spec` names. Throws the fs error when a data directory cannot be made (or, for PostgreSQL, is `:memory:`). */
export function createJournal(spec: JournalSpec, hooks: JournalHooks = {}): ServerJournal {
  switch (spec.kind) {
    case 'memory':
      return JOURNAL_FACTORIES.memory(spec, hooks);
    case 'sqlite':
      return JOURNAL_FACTORIES.sqlite(spec, hooks);
    case 'postgres':
      return JOURNAL_FACTORIES.postgres(spec, hooks);
  }
}

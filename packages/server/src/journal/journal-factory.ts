import type { Journal } from '@callhook/core';
import { journalFile } from './data-dir.js';
import type { History } from './history.js';
import type { Retainable } from './retention.js';
import { SqliteJournal, type SqliteJournalOptions } from './sqlite-journal.js';

/**
 * Which journal to run, as the composition root reads it from its flags and settings:
 * - `memory`: nothing kept across restarts (`--data :memory:`), the same SQLite journal in memory;
 * - `sqlite`: `callhook.db` in a data directory (made 0700 if missing).
 *
 * This is the seam for a PostgreSQL journal: a `{ kind: 'postgres', url }` entry here and a factory
 * in `JOURNAL_FACTORIES` that runs the same Kysely store and migrations (`journal-store.js`,
 * `journal-migrations.js`) over Kysely's PostgreSQL dialect. Core's `Journal` and `History` reads
 * are already Promises, so an async driver fits as it is.
 */
export type JournalSpec = { kind: 'memory' } | { kind: 'sqlite'; dataDir: string };

/** What every journal reports through, whatever its kind. */
export type JournalHooks = Pick<SqliteJournalOptions, 'onWriteError' | 'onBadEntry'>;

/** A journal the server can run: core's port, the history the control API reads, and its lifecycle. */
export interface ServerJournal extends Journal, History {
  /** Settles once storage is open and its schema migrated; rejects in one line (with the fix) when not. */
  opened(): Promise<void>;
  /** Writes what is pending and closes storage. */
  close(): Promise<void>;
  /** Retention (`journal.keepDays`); a journal without it keeps every row (start-up says so). */
  removeOlderThan?: Retainable['removeOlderThan'];
}

/** Options → journal, for one kind of `JournalSpec`. */
export type JournalFactory<Spec extends JournalSpec = JournalSpec> = (spec: Spec, hooks: JournalHooks) => ServerJournal;

/** One factory per kind of journal. */
export const JOURNAL_FACTORIES: { [Kind in JournalSpec['kind']]: JournalFactory<Extract<JournalSpec, { kind: Kind }>> } = {
  memory: (_spec, hooks) => new SqliteJournal(':memory:', hooks),
  sqlite: (spec, hooks) => new SqliteJournal(journalFile(spec.dataDir), hooks),
};

/** The journal a `--data` value names: `:memory:` keeps nothing, anything else is a data directory. */
export function journalSpecOf(dataDir: string): JournalSpec {
  return dataDir === ':memory:' ? { kind: 'memory' } : { kind: 'sqlite', dataDir };
}

/** Makes the journal `spec` names. Throws the fs error when a data directory cannot be made. */
export function createJournal(spec: JournalSpec, hooks: JournalHooks = {}): ServerJournal {
  switch (spec.kind) {
    case 'memory':
      return JOURNAL_FACTORIES.memory(spec, hooks);
    case 'sqlite':
      return JOURNAL_FACTORIES.sqlite(spec, hooks);
  }
}

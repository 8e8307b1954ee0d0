import type { Kysely } from 'kysely';
import { createHmac } from 'node:crypto';
import type { JournalTables } from './journal-schema.js';

/** The `journal_meta` row holding a check of the outbox key (never the key itself). */
const KEY_CHECK = 'outbox_key_check';

/** A check value of `key`: an HMAC of a fixed text, so the database never holds the key. */
export function outboxKeyCheck(key: Buffer): string {
  return createHmac('sha256', key).update('callhook outbox key check').digest('hex');
}

/**
 * Every instance sharing a database must seal its outbox with the same key, or one could not send
 * what another left. The first instance records a check of its key; a later one with another key is
 * refused, in one line with the fix, before it writes an entry no other instance could read.
 */
export async function checkOutboxKey(db: Kysely<JournalTables>, key: Buffer, keyFile: string): Promise<void> {
  const check = outboxKeyCheck(key);
  await db
    .insertInto('journal_meta')
    .values({ name: KEY_CHECK, value: check })
    .onConflict((c) => c.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('journal_meta').select('value').where('name', '=', KEY_CHECK).executeTakeFirstOrThrow();
  if (row.value !== check) {
    throw new Error(
      `the outbox key ${keyFile} is not the key this database's outbox is sealed with: copy outbox.key from the data directory of an instance already using this database to ${keyFile} (every instance sharing it needs the same key)`,
    );
  }
}

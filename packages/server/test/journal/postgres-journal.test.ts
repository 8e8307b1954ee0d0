import { SimulatedClock, startPostgres, waitFor, type PostgresCluster } from '@callhook/test-support';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kysely, PostgresDialect } from 'kysely';
import { createJournal, PostgresJournal, type PostgresJournalOptions } from '../../src/index.js';
import { MIGRATIONS, migrateJournal } from '../../src/journal/journal-migrations.js';
import type { JournalTables } from '../../src/journal/journal-schema.js';
import { pendingDelivery } from '../support/pending-delivery.js';

import { contractCall, contractRecord, journalContract, type JournalKit } from './journal-contract.js';

let cluster: PostgresCluster;
let databases = 0;
const journals: PostgresJournal[] = [];
/** Temp dirs (key files, data dirs) made here: removed after. */
const dirs: string[] = [];
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);

afterAll(async () => {
  for (const journal of journals) await journal.close().catch(() => undefined);
  await cluster?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** A fresh database and a key file shared by every journal a test opens on it. */
async function freshDatabase(): Promise<{ url: string; keyFile: string }> {
  const url = await cluster.createDatabase(`callhook_${++databases}`);
  const keyFile = join(tempDir('callhook-pgkey-'), 'outbox.key');
  writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });
  return { url, keyFile };
}

function journalOn(db: { url: string; keyFile: string }, options: Partial<PostgresJournalOptions> = {}): PostgresJournal {
  const journal = new PostgresJournal({ url: db.url, keyFile: db.keyFile, ...options });
  journals.push(journal);
  return journal;
}

/** Runs `use` over a plain client of the test's own. */
async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

const postgresKit: JournalKit = {
  async fresh() {
    const db = await freshDatabase();
    return {
      open: (options) => journalOn(db, options),
      committedOutboxIds: () =>
        withClient(db.url, async (client) => (await client.query('SELECT id FROM outbox_entries ORDER BY position')).rows.map((row) => String(row.id))),
      putRawEntry: (id, delivery) =>
        withClient(db.url, async (client) => {
          await client.query('INSERT INTO outbox_entries (id, origin, created_at, delivery) VALUES ($1, $2, $3, $4)', [id, 'http://x', 1, delivery]);
        }),
    };
  },
};

describe('PostgresJournal: the journal contract', () => {
  journalContract(postgresKit);
});

describe('PostgresJournal schema', () => {
  it('migrates an empty database to the latest schema, and running the migrations again changes nothing', async () => {
    const { url } = await freshDatabase();
    const db = new Kysely<JournalTables>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
    try {
      const key = randomBytes(32);
      expect(await migrateJournal(db, { key, dialect: 'postgres' })).toEqual([...MIGRATIONS]);
      const columns = async (): Promise<string[]> =>
        withClient(url, async (client) =>
          (
            await client.query(
              "SELECT table_name || '.' || column_name || ':' || data_type AS c FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1",
            )
          ).rows.map((row) => String(row.c)),
        );
      const before = await columns();
      expect(before).toEqual(
        expect.arrayContaining([
          'outbox_entries.position:bigint',
          'outbox_entries.created_at:bigint',
          'outbox_entries.lease_until:timestamp with time zone',
          'calls.instance:text',
          'deliveries.seq:bigint',
        ]),
      );
      expect(await migrateJournal(db, { key, dialect: 'postgres' })).toEqual([]);
      expect(await columns()).toEqual(before);
      const ran = await withClient(url, async (client) => (await client.query('SELECT name FROM kysely_migration ORDER BY name')).rows.map((r) => r.name));
      expect(ran).toEqual([...MIGRATIONS]);
    } finally {
      await db.destroy();
    }
  });

  it('opens three journals at once on an empty database: one migrates, all open', async () => {
    const db = await freshDatabase();
    const three = [1, 2, 3].map((n) => journalOn(db, { instance: `i${n}` }));
    await Promise.all(three.map((journal) => journal.opened()));
    const ran = await withClient(db.url, async (client) => (await client.query('SELECT count(*)::int AS n FROM kysely_migration')).rows[0].n);
    expect(ran).toBe(MIGRATIONS.length);
  });

  it('refuses, in one line with the fix, an instance whose outbox key is not the database’s', async () => {
    const db = await freshDatabase();
    await journalOn(db).opened();
    const otherKey = join(tempDir('callhook-pgkey-'), 'outbox.key');
    await expect(journalOn({ url: db.url, keyFile: otherKey }).opened()).rejects.toThrow(
      /the outbox key .*outbox\.key is not the key this database's outbox is sealed with: copy outbox\.key from the data directory of an instance/,
    );
  });

  it('says why it cannot connect, with the URL password masked, and fails waits instead of hanging', async () => {
    const keyFile = join(tempDir('callhook-pgkey-'), 'outbox.key');
    const errors: Error[] = [];
    // Nothing listens on port 1; the password must never show.
    const journal = journalOn({ url: 'postgres://callhook:s3cret-pw@127.0.0.1:1/none', keyFile }, { onWriteError: (e) => errors.push(e) });
    const a = pendingDelivery('http://x/a');
    journal.enqueueDelivery(a);
    await expect(journal.opened()).rejects.toThrow(/^journal postgres:\/\/callhook:\*\*\*@127\.0\.0\.1:1\/none: .*ECONNREFUSED/);
    await expect(journal.outboxDurable(a.id)).rejects.toThrow(/write failed/);
    await expect(journal.recentCalls(1)).rejects.toThrow(/ECONNREFUSED/);
    for (const error of errors) expect(error.message).not.toContain('s3cret-pw');
    await journal.close();
  });

  it('removes call history and delivery log rows older than keepDays for every instance, never the outbox (journal.keepDays)', async () => {
    const db = await freshDatabase();
    const [a, b] = [journalOn(db, { instance: 'a' }), journalOn(db, { instance: 'b' })];
    await Promise.all([a.opened(), b.opened()]);
    const now = Date.UTC(2026, 10, 29, 12);
    const day = 86_400_000;
    // Rows arrive in about the order of their times, as in use: the old ones first, then the fresh.
    const write = async (rows: readonly (readonly [PostgresJournal, string, number])[], total: number) => {
      for (const [journal, guid, at] of rows) {
        journal.recordCall(contractCall(guid, new Date(at).toISOString()));
        journal.recordDelivery({ ...contractRecord(guid, 1), at });
      }
      await waitFor(async () => (await a.recentCalls(10)).length === total && (await a.recentDeliveries(10)).length === total, 'the rows written');
    };
    await write(
      [
        [a, 'old-a', now - 10 * day],
        [b, 'old-b', now - 8 * day],
      ],
      2,
    );
    await write(
      [
        [a, 'fresh-a', now - 2 * day],
        [b, 'fresh-b', now - day],
      ],
      4,
    );
    const pending = pendingDelivery('http://x/pending');
    b.enqueueDelivery(pending);
    expect(await a.removeOlderThan(now - 7 * day)).toEqual({ calls: 2, deliveries: 2 });
    expect((await b.recentCalls(10)).map((call) => call.guid).sort()).toEqual(['fresh-a', 'fresh-b']);
    expect((await b.recentDeliveries(10)).map((record) => record.callGuid).sort()).toEqual(['fresh-a', 'fresh-b']);
    expect(await b.removeOlderThan(now - 7 * day)).toEqual({ calls: 0, deliveries: 0 });
    expect((await b.pendingDeliveries()).map((delivery) => delivery.id)).toEqual([pending.id]);
  });

  it('is what the factory makes for a postgres spec, its key in the data directory', async () => {
    const { url } = await freshDatabase();
    const dataDir = tempDir('callhook-pgdata-');
    const journal = createJournal({ kind: 'postgres', url, dataDir, instance: 'factory' });
    await journal.opened();
    journal.recordCall(contractCall('gf', '2026-01-01T10:00:00.000Z'));
    expect((await journal.recentCalls(1)).map((c) => c.guid)).toEqual(['gf']);
    await journal.close();
    expect(() => createJournal({ kind: 'postgres', url, dataDir: ':memory:' })).toThrow(/give --data a directory/);
  });
});

describe('PostgresJournal shared by several instances', () => {
  it('leases each entry to its writer: another instance neither sees nor sends it while the lease is renewed', async () => {
    const db = await freshDatabase();
    const a = journalOn(db, { instance: 'a', leaseMs: 600 });
    const b = journalOn(db, { instance: 'b', leaseMs: 600 });
    const mine = pendingDelivery('http://x/a-1');
    a.enqueueDelivery(mine);
    await a.outboxDurable(mine.id);
    await b.opened();
    expect((await b.outboxAfter(0, 10)).entries).toEqual([]);
    // Several renewals later (a's timer runs), still a's.
    await waitFor(
      () =>
        withClient(
          db.url,
          async (client) => (await client.query("SELECT lease_until > now() + interval '300 milliseconds' AS fresh FROM outbox_entries")).rows[0].fresh,
        ),
      'a renewed lease',
    );
    expect((await b.outboxAfter(0, 10)).entries).toEqual([]);
    expect((await a.outboxAfter(0, 10)).entries.map((e) => e.delivery)).toEqual([mine]);
  });

  it('hands the entries of an instance that stopped renewing to another, which claims them once, with the same id', async () => {
    const db = await freshDatabase();
    // Its clock never moves: it never renews, as an instance that died.
    const dead = journalOn(db, { instance: 'dead', leaseMs: 600, clock: new SimulatedClock() });
    const left = [1, 2, 3].map((n) => pendingDelivery(`http://x/left-${n}`));
    for (const d of left) dead.enqueueDelivery(d);
    await dead.outboxDurable(left[2]!.id);
    // As kill -9 would: its connections end, nothing is released.
    await withClient(db.url, (client) => client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'callhook dead'"));
    const b = journalOn(db, { instance: 'b', leaseMs: 600 });
    const c = journalOn(db, { instance: 'c', leaseMs: 600 });
    let handovers = 0;
    b.onOutboxHandover(() => handovers++);
    await waitFor(() => handovers > 0, 'a hand-over to b');
    // b and c read at once: each entry is claimed by exactly one of them.
    const [fromB, fromC] = await Promise.all([b.pendingDeliveries(), c.pendingDeliveries()]);
    const claimed = [...fromB, ...fromC].map((d) => d.id).sort();
    expect(claimed).toEqual(left.map((d) => d.id).sort());
    const owners = await withClient(db.url, async (client) =>
      (await client.query('SELECT DISTINCT lease_owner FROM outbox_entries')).rows.map((r) => r.lease_owner),
    );
    expect(owners.every((owner) => owner === 'b' || owner === 'c')).toBe(true);
  });

  it('lets go of its leases on a clean close, so another instance takes the entries at once', async () => {
    const db = await freshDatabase();
    const a = journalOn(db, { instance: 'a', leaseMs: 600_000 });
    const d = pendingDelivery('http://x/closing');
    a.enqueueDelivery(d);
    await a.close();
    const b = journalOn(db, { instance: 'b', leaseMs: 600_000 });
    expect(await b.pendingDeliveries()).toEqual([d]);
  });

  it('shares call history and the delivery log, each row with the instance that wrote it', async () => {
    const db = await freshDatabase();
    const a = journalOn(db, { instance: 'a' });
    const b = journalOn(db, { instance: 'b' });
    a.recordCall(contractCall('ga', '2026-01-01T10:00:00.000Z'));
    b.recordCall(contractCall('gb', '2026-01-01T11:00:00.000Z'));
    await a.recentCalls(1);
    await b.recentCalls(1);
    expect((await a.recentCalls(10)).map((c) => c.guid)).toEqual(['gb', 'ga']);
    const rows = await withClient(db.url, async (client) => (await client.query('SELECT guid, instance FROM calls ORDER BY guid')).rows);
    expect(rows).toEqual([
      { guid: 'ga', instance: 'a' },
      { guid: 'gb', instance: 'b' },
    ]);
  });
});

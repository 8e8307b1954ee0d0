import type { CallSnapshot, DeliveryRecord } from '@callhook/core';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/journal/journal-migrations.js';
import { seal } from '../../src/journal/outbox-seal.js';
import { journalFile, SqliteJournal } from '../../src/index.js';
import { pendingDelivery } from '../support/pending-delivery.js';
import { FIRST_OUTBOX_LAYOUT, OUTBOX_ENTRIES_LAYOUT } from '../support/unversioned-schemas.js';

const call = (guid: string): CallSnapshot => ({
  guid,
  lineId: 'default',
  direction: 'inbound',
  localParty: 'sip:303@x',
  localAlias: '303',
  remoteParty: '420',
  remoteAlias: '420',
  state: 'ended',
  holdState: 'off_hold',
  disposition: 'answered',
  createdAt: '2025-06-01T10:00:00.000Z',
  connectedAt: '2025-06-01T10:00:05.000Z',
  disconnectedAt: '2025-06-01T10:01:00.000Z',
  quality: null,
  recording: false,
});

const record = (callGuid: string): DeliveryRecord => ({
  deliveryId: `${callGuid}:inbound:0:1`,
  callGuid,
  action: 'inbound',
  slot: 0,
  url: 'http://crm.test/in',
  mode: 'http',
  attempt: 1,
  outcome: 'delivered',
  status: 200,
  latencyMs: 4,
  error: null,
  at: 1,
  final: true,
});

/** A data directory whose `callhook.db` was written by `build` (a raw connection), as older code left it. */
function legacyDatabase(build: (db: Database.Database, key: Buffer) => void): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-migrate-'));
  const file = journalFile(dir);
  const key = randomBytes(32);
  writeFileSync(join(dir, 'outbox.key'), key, { mode: 0o600 });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  build(db, key);
  db.close();
  return { dir, file };
}

function migrationsRecorded(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT name FROM kysely_migration ORDER BY name').pluck().all() as string[];
  } finally {
    db.close();
  }
}

describe('journal schema migrations', () => {
  it('opens a database made by the unversioned schema: history, outbox order and quarantine kept, versions recorded once', async () => {
    const a = pendingDelivery('http://crm.test/a');
    const b = pendingDelivery('http://other.test/b');
    const { file } = legacyDatabase((db, key) => {
      db.exec(OUTBOX_ENTRIES_LAYOUT);
      db.prepare('INSERT INTO calls VALUES (?, ?, ?)').run('g1', call('g1').createdAt, JSON.stringify(call('g1')));
      db.prepare('INSERT INTO deliveries (call_guid, record) VALUES (?, ?)').run('g1', JSON.stringify(record('g1')));
      const put = db.prepare('INSERT INTO outbox_entries (id, origin, created_at, delivery, quarantined) VALUES (?, ?, ?, ?, ?)');
      put.run(a.id, 'http://crm.test', 1, seal(key, JSON.stringify(a)), null);
      put.run('bad', 'http://crm.test', 2, '{', 'not JSON: Unexpected end of JSON input');
      put.run(b.id, 'http://other.test', 3, seal(key, JSON.stringify(b)), null);
    });

    const journal = new SqliteJournal(file);
    await journal.opened();
    expect(await journal.pendingDeliveries()).toEqual([a, b]);
    expect((await journal.outboxAfter(0, 10, 'http://other.test')).entries.map((e) => e.delivery.id)).toEqual([b.id]);
    expect(await journal.recentCalls(10)).toEqual([call('g1')]);
    expect(await journal.recentDeliveries(10, 'g1')).toEqual([record('g1')]);
    expect(await journal.quarantinedEntries()).toEqual({ count: 1, entries: [{ position: 2, id: 'bad', reason: 'not JSON: Unexpected end of JSON input' }] });
    const c = pendingDelivery('http://crm.test/c');
    journal.enqueueDelivery(c);
    journal.completeDelivery(a.id);
    await journal.close();
    expect(migrationsRecorded(file)).toEqual([...MIGRATIONS]);

    // Opened again: nothing runs twice, and what the first open wrote is there in order.
    const again = new SqliteJournal(file);
    expect(await again.pendingDeliveries()).toEqual([b, c]);
    expect(await again.recentCalls(10)).toEqual([call('g1')]);
    await again.close();
    expect(migrationsRecorded(file)).toEqual([...MIGRATIONS]);
  });

  it('opens a database of the first outbox layout: entries moved and sealed in their order, history kept, the old table gone', async () => {
    const a = pendingDelivery('http://crm.test/a', { headers: { 'X-Api-Key': 'first-layout-5ecret' } });
    const b = pendingDelivery('http://crm.test/b');
    const { file } = legacyDatabase((db) => {
      db.exec(FIRST_OUTBOX_LAYOUT);
      db.prepare('INSERT INTO calls VALUES (?, ?, ?)').run('g1', call('g1').createdAt, JSON.stringify(call('g1')));
      db.prepare('INSERT INTO deliveries (call_guid, record) VALUES (?, ?)').run('g1', JSON.stringify(record('g1')));
      const put = db.prepare('INSERT INTO outbox VALUES (?, ?, ?)');
      put.run(b.id, 2, JSON.stringify(b));
      put.run(a.id, 1, JSON.stringify(a)); // older, though written later: the outbox went by created_at
      put.run('junk', 3, 'not json');
    });

    const bad: string[] = [];
    const journal = new SqliteJournal(file, { onBadEntry: (entry) => bad.push(entry.id) });
    expect(await journal.pendingDeliveries()).toEqual([a, b]);
    expect(bad).toEqual(['junk']);
    expect(await journal.recentDeliveries(10)).toEqual([record('g1')]);
    await journal.close();

    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").get()).toBeUndefined();
    expect((db.prepare('SELECT delivery FROM outbox_entries WHERE id = ?').pluck().get(a.id) as string).startsWith('v1:')).toBe(true);
    db.close();
    expect(migrationsRecorded(file)).toEqual([...MIGRATIONS]);
    for (const part of [file, `${file}-wal`]) expect(readFileSync(part).includes('first-layout-5ecret')).toBe(false);
  });

  it('creates the latest schema in a new file and in memory', async () => {
    const file = journalFile(mkdtempSync(join(tmpdir(), 'callhook-migrate-')));
    const onDisk = new SqliteJournal(file);
    await onDisk.opened();
    await onDisk.close();
    expect(migrationsRecorded(file)).toEqual([...MIGRATIONS]);

    const inMemory = new SqliteJournal(':memory:');
    const d = pendingDelivery('http://crm.test/m');
    inMemory.enqueueDelivery(d);
    expect(await inMemory.pendingDeliveries()).toEqual([d]);
    await inMemory.close();
  });

  it('refuses, in one line with the fix, a database whose schema a newer callhook migrated', async () => {
    const file = journalFile(mkdtempSync(join(tmpdir(), 'callhook-migrate-')));
    const first = new SqliteJournal(file);
    await first.opened();
    await first.close();
    const db = new Database(file);
    db.prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)').run('0099_from_a_newer_callhook', new Date().toISOString());
    db.close();

    const journal = new SqliteJournal(file);
    const failure = await journal.opened().then(
      () => null,
      (error: Error) => error.message,
    );
    await journal.close();
    expect(failure).toMatch(/schema is newer than this callhook \(it has run migration 0099_from_a_newer_callhook, .*\): run the callhook that wrote it/);
    expect(failure).not.toContain('\n');
  });
});

import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalFile, SqliteJournal } from '../../src/index.js';
import { pendingDelivery } from '../support/pending-delivery.js';

const freshFile = (): string => journalFile(mkdtempSync(join(tmpdir(), 'callhook-outbox-')));

describe('outbox rows that cannot be used', () => {
  it('quarantines a row of the wrong shape and one that is not JSON, keeps them, and serves the rest', () => {
    const file = freshFile();
    const good = pendingDelivery('http://x/good');
    const first = new SqliteJournal(file);
    first.enqueueDelivery(good);
    first.close();
    const raw = new Database(file);
    const put = raw.prepare('INSERT INTO outbox_entries (id, origin, created_at, delivery) VALUES (?, ?, ?, ?)');
    put.run('wrong-shape', 'http://x', 1, JSON.stringify({ id: 'wrong-shape', url: 42 }));
    put.run('not-json', 'http://x', 2, '{"id": "not-json", ');
    raw.close();

    const bad: { position: number; id: string; reason: string }[] = [];
    const second = new SqliteJournal(file, { onBadEntry: (entry) => bad.push(entry) });
    second.opened();
    expect(second.pendingDeliveries()).toEqual([good]);
    expect(bad.map((b) => [b.id, b.reason])).toEqual([
      ['wrong-shape', expect.stringMatching(/^not a delivery: /)],
      ['not-json', expect.stringMatching(/^not JSON: /)],
    ]);
    const report = second.quarantinedEntries();
    expect(report.count).toBe(2);
    expect(report.entries.map((e) => e.id)).toEqual(['wrong-shape', 'not-json']);
    // Quarantined once: not read (or reported) again.
    expect(second.outboxAfter(0, 10).entries.map((e) => e.delivery.id)).toEqual([good.id]);
    expect(bad).toHaveLength(2);
    second.close();
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) FROM outbox_entries').pluck().get()).toBe(3); // kept for whoever looks
    check.close();
  });

  it('moves an outbox of the earlier layout into the sealed one, bad rows included for quarantine', () => {
    const file = freshFile();
    const a = pendingDelivery('http://x/a', { headers: { 'X-Api-Key': 'legacy-key-123' } });
    const raw = new Database(file);
    raw.exec('CREATE TABLE outbox (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, delivery TEXT NOT NULL)');
    raw.prepare('INSERT INTO outbox VALUES (?, ?, ?)').run(a.id, 1, JSON.stringify(a));
    raw.prepare('INSERT INTO outbox VALUES (?, ?, ?)').run('junk', 2, '[]');
    raw.close();
    const bad: string[] = [];
    const journal = new SqliteJournal(file, { onBadEntry: (entry) => bad.push(entry.id) });
    expect(journal.pendingDeliveries()).toEqual([a]);
    expect(bad).toEqual(['junk']);
    journal.close();
    expect(readFileSync(file).includes('legacy-key-123')).toBe(false);
  });
});

describe('a damaged journal file', () => {
  it('is found at start and reported in one line with the path and the fix', () => {
    const file = freshFile();
    const journal = new SqliteJournal(file);
    for (let i = 0; i < 300; i++) journal.enqueueDelivery(pendingDelivery(`http://x/${i}`, { body: 'x'.repeat(200) }));
    journal.close();
    const bytes = readFileSync(file);
    expect(bytes.length).toBeGreaterThan(4 * 4096);
    bytes.fill(0xa5, 2 * 4096, bytes.length - 4096); // pages past the schema page
    writeFileSync(file, bytes);
    const reopened = new SqliteJournal(file);
    let message = '';
    try {
      reopened.opened();
    } catch (error) {
      message = (error as Error).message;
    }
    reopened.close();
    expect(message).toContain(`${file} is damaged`);
    expect(message).toMatch(/move it aside .* or restore it from a backup/);
    expect(message).not.toContain('\n');
  });

  it('says the same of a file that is no database at all', () => {
    const file = freshFile();
    writeFileSync(file, Buffer.alloc(8192, 0x42));
    const journal = new SqliteJournal(file);
    expect(() => journal.opened()).toThrow(/is damaged .*move it aside/);
    journal.close();
  });
});

describe('secrets at rest', () => {
  it('seals outbox entries: neither the database nor its WAL holds a header value or signing secret, and both come back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callhook-outbox-'));
    const file = journalFile(dir);
    const secretHeader = 'Bearer tok-5ecret-Aa91';
    const signing = 'sign-5ecret-Zz17';
    const d = pendingDelivery('http://x/secret', { headers: { Authorization: secretHeader, 'X-Api-Key': 'key-5ecret-Qq33' }, signingSecret: signing });
    const journal = new SqliteJournal(file);
    journal.enqueueDelivery(d);
    await journal.outboxDurable(d.id);
    for (const part of [file, `${file}-wal`]) {
      expect(existsSync(part)).toBe(true);
      const bytes = readFileSync(part);
      for (const secret of [secretHeader, signing, 'key-5ecret-Qq33']) expect(bytes.includes(secret)).toBe(false);
    }
    const mode = (path: string): number => statSync(path).mode & 0o777;
    expect(mode(dir)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}-wal`)).toBe(0o600);
    expect(mode(join(dir, 'outbox.key'))).toBe(0o600);
    journal.close();

    const reopened = new SqliteJournal(file);
    expect(reopened.pendingDeliveries()).toEqual([d]);
    reopened.completeDelivery(d.id);
    reopened.close();
  });

  it('quarantines an entry sealed with another key instead of sending garbage', () => {
    const dir = mkdtempSync(join(tmpdir(), 'callhook-outbox-'));
    const file = journalFile(dir);
    const journal = new SqliteJournal(file);
    journal.enqueueDelivery(pendingDelivery('http://x/a'));
    journal.close();
    writeFileSync(join(dir, 'outbox.key'), Buffer.alloc(32, 7));
    const reasons: string[] = [];
    const reopened = new SqliteJournal(file, { onBadEntry: (entry) => reasons.push(entry.reason) });
    expect(reopened.pendingDeliveries()).toEqual([]);
    expect(reasons).toEqual([expect.stringMatching(/cannot unseal/)]);
    reopened.close();
  });
});

import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalFile, SqliteJournal } from '../../src/index.js';
import { pendingDelivery } from '../support/pending-delivery.js';

const freshFile = (): string => journalFile(mkdtempSync(join(tmpdir(), 'callhook-outbox-')));

describe('outbox rows that cannot be used', () => {
  it('quarantines a row of the wrong shape and one that is not JSON, keeps them, and serves the rest', async () => {
    const file = freshFile();
    const good = pendingDelivery('http://x/good');
    const first = new SqliteJournal(file);
    first.enqueueDelivery(good);
    await first.close();
    const raw = new Database(file);
    const put = raw.prepare('INSERT INTO outbox_entries (id, origin, created_at, delivery) VALUES (?, ?, ?, ?)');
    put.run('wrong-shape', 'http://x', 1, JSON.stringify({ id: 'wrong-shape', url: 42 }));
    put.run('not-json', 'http://x', 2, '{"id": "not-json", ');
    raw.close();

    const bad: { position: number; id: string; reason: string }[] = [];
    const second = new SqliteJournal(file, { onBadEntry: (entry) => bad.push(entry) });
    await second.opened();
    expect(await second.pendingDeliveries()).toEqual([good]);
    expect(bad.map((b) => [b.id, b.reason])).toEqual([
      ['wrong-shape', expect.stringMatching(/^not a delivery: /)],
      ['not-json', expect.stringMatching(/^not JSON: /)],
    ]);
    const report = await second.quarantinedEntries();
    expect(report.count).toBe(2);
    expect(report.entries.map((e) => e.id)).toEqual(['wrong-shape', 'not-json']);
    // Quarantined once: not read (or reported) again.
    expect((await second.outboxAfter(0, 10)).entries.map((e) => e.delivery.id)).toEqual([good.id]);
    expect(bad).toHaveLength(2);
    await second.close();
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) FROM outbox_entries').pluck().get()).toBe(3); // kept for whoever looks
    check.close();
  });

  it('moves an outbox of the earlier layout into the sealed one, bad rows included for quarantine', async () => {
    const file = freshFile();
    const a = pendingDelivery('http://x/a', { headers: { 'X-Api-Key': 'legacy-key-123' } });
    const raw = new Database(file);
    raw.exec('CREATE TABLE outbox (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, delivery TEXT NOT NULL)');
    raw.prepare('INSERT INTO outbox VALUES (?, ?, ?)').run(a.id, 1, JSON.stringify(a));
    raw.prepare('INSERT INTO outbox VALUES (?, ?, ?)').run('junk', 2, '[]');
    raw.close();
    const bad: string[] = [];
    const journal = new SqliteJournal(file, { onBadEntry: (entry) => bad.push(entry.id) });
    expect(await journal.pendingDeliveries()).toEqual([a]);
    expect(bad).toEqual(['junk']);
    await journal.close();
    expect(readFileSync(file).includes('legacy-key-123')).toBe(false);
  });
});

describe('a damaged journal file', () => {
  it('is found at start and reported in one line with the path and the fix', async () => {
    const file = freshFile();
    const journal = new SqliteJournal(file);
    for (let i = 0; i < 300; i++) journal.enqueueDelivery(pendingDelivery(`http://x/${i}`, { body: 'x'.repeat(200) }));
    await journal.close();
    const bytes = readFileSync(file);
    expect(bytes.length).toBeGreaterThan(4 * 4096);
    bytes.fill(0xa5, 2 * 4096, bytes.length - 4096); // pages past the schema page
    writeFileSync(file, bytes);
    const reopened = new SqliteJournal(file);
    let message = '';
    try {
      await reopened.opened();
    } catch (error) {
      message = (error as Error).message;
    }
    await reopened.close();
    expect(message).toContain(`${file} is damaged`);
    expect(message).toMatch(/move it aside .* or restore it from a backup/);
    expect(message).not.toContain('\n');
  });

  it('says the same of a file that is no database at all', async () => {
    const file = freshFile();
    writeFileSync(file, Buffer.alloc(8192, 0x42));
    const journal = new SqliteJournal(file);
    await expect(journal.opened()).rejects.toThrow(/is damaged .*move it aside/);
    await journal.close();
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
    await journal.close();

    const reopened = new SqliteJournal(file);
    expect(await reopened.pendingDeliveries()).toEqual([d]);
    reopened.completeDelivery(d.id);
    await reopened.close();
  });

  it('seals exactly the entries that hold a secret: a header, a signing secret or credentials in the URL; the rest are their JSON', async () => {
    const file = freshFile();
    const plain = pendingDelivery('http://x/plain?from=420', { method: 'POST', body: '{"action":"inbound"}' });
    const secrets = [
      pendingDelivery('http://x/h', { headers: { 'X-Api-Key': 'key-5ecret' } }),
      pendingDelivery('http://x/s', { signingSecret: 'sign-5ecret' }),
      pendingDelivery('https://user:pa55@x/u'),
    ];
    const journal = new SqliteJournal(file);
    for (const d of [plain, ...secrets]) journal.enqueueDelivery(d);
    await journal.outboxDurable(secrets[2]!.id);
    await journal.close();
    const raw = new Database(file, { readonly: true });
    const stored = new Map(
      (raw.prepare('SELECT id, delivery FROM outbox_entries').all() as { id: string; delivery: string }[]).map((row) => [row.id, row.delivery]),
    );
    raw.close();
    expect(stored.get(plain.id)).toBe(JSON.stringify(plain));
    for (const d of secrets) expect(stored.get(d.id)).toMatch(/^v1:/);
    for (const secret of ['key-5ecret', 'sign-5ecret', 'pa55']) expect(readFileSync(file).includes(secret)).toBe(false);
    const reopened = new SqliteJournal(file);
    expect(await reopened.pendingDeliveries()).toEqual([plain, ...secrets]);
    await reopened.close();
  });

  it('quarantines an entry sealed with another key instead of sending garbage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callhook-outbox-'));
    const file = journalFile(dir);
    const journal = new SqliteJournal(file);
    journal.enqueueDelivery(pendingDelivery('http://x/a', { headers: { 'X-Api-Key': 'k' } }));
    await journal.close();
    writeFileSync(join(dir, 'outbox.key'), Buffer.alloc(32, 7));
    const reasons: string[] = [];
    const reopened = new SqliteJournal(file, { onBadEntry: (entry) => reasons.push(entry.reason) });
    expect(await reopened.pendingDeliveries()).toEqual([]);
    expect(reasons).toEqual([expect.stringMatching(/cannot unseal/)]);
    await reopened.close();
  });
});

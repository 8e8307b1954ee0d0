import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createJournal, journalSpecOf } from '../../src/index.js';
import { pendingDelivery } from '../support/pending-delivery.js';

describe('journal factory', () => {
  it('reads --data: ":memory:" keeps nothing, anything else is a data directory', () => {
    expect(journalSpecOf(':memory:')).toEqual({ kind: 'memory' });
    expect(journalSpecOf('/var/lib/callhook')).toEqual({ kind: 'sqlite', dataDir: '/var/lib/callhook' });
    expect(journalSpecOf('/var/lib/callhook', { type: 'sqlite', keepDays: 90 })).toEqual({ kind: 'sqlite', dataDir: '/var/lib/callhook' });
    // The settings' journal picks PostgreSQL; the data directory still holds its outbox key.
    expect(journalSpecOf('/var/lib/callhook', { type: 'postgres', url: 'postgres://u:p@db/x', leaseSeconds: 12, instance: 'a', keepDays: 90 })).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@db/x',
      dataDir: '/var/lib/callhook',
      leaseMs: 12_000,
      instance: 'a',
    });
  });

  it('makes a sqlite journal in its data directory (0700) that keeps the outbox across instances', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'callhook-factory-')), 'data');
    const d = pendingDelivery('http://crm.test/kept');
    const first = createJournal({ kind: 'sqlite', dataDir });
    first.enqueueDelivery(d);
    await first.opened();
    await first.close();
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(existsSync(join(dataDir, 'callhook.db'))).toBe(true);
    const second = createJournal(journalSpecOf(dataDir));
    expect(await second.pendingDeliveries()).toEqual([d]);
    await second.close();
  });

  it('makes a memory journal that serves reads and keeps nothing for the next instance', async () => {
    const d = pendingDelivery('http://crm.test/gone');
    const first = createJournal({ kind: 'memory' });
    first.enqueueDelivery(d);
    expect(await first.pendingDeliveries()).toEqual([d]);
    await first.close();
    const second = createJournal({ kind: 'memory' });
    expect(await second.pendingDeliveries()).toEqual([]);
    await second.close();
  });

  it('opens a data directory it can make, and throws the fs error for one it cannot', async () => {
    const errors: Error[] = [];
    const journal = createJournal({ kind: 'sqlite', dataDir: mkdtempSync(join(tmpdir(), 'callhook-factory-')) }, { onWriteError: (e) => errors.push(e) });
    await journal.opened();
    await journal.close();
    expect(errors).toEqual([]);
    const aFile = join(mkdtempSync(join(tmpdir(), 'callhook-factory-')), 'a-file');
    writeFileSync(aFile, '');
    expect(() => createJournal({ kind: 'sqlite', dataDir: join(aFile, 'data') })).toThrow(/ENOTDIR/);
  });
});

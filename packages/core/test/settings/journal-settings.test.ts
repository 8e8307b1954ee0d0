import { describe, expect, it } from 'vitest';
import { loadSettings, maskSettings, restoreSecrets, SettingsError, type SettingsIssue } from '../../src/index.js';

const URL_WITH_PASSWORD = 'postgres://callhook:s3cret-pw@db.example:5432/callhook';

/** The issues loadSettings reports for `journal`, as path → message. */
function issuesOf(journal: unknown): SettingsIssue[] {
  try {
    loadSettings({ journal });
  } catch (error) {
    if (error instanceof SettingsError) return error.issues;
    throw error;
  }
  return [];
}

describe('journal settings', () => {
  it('defaults to SQLite, and takes PostgreSQL with a URL, an instance name and a lease', () => {
    expect(loadSettings({}).settings.journal).toEqual({ type: 'sqlite', keepDays: 90 });
    // `type` may be left out for SQLite: `{"keepDays": 30}` is the whole retention setting.
    expect(loadSettings({ journal: { keepDays: 30 } }).settings.journal).toEqual({ type: 'sqlite', keepDays: 30 });
    expect(loadSettings({ journal: { type: 'postgres', url: URL_WITH_PASSWORD } }).settings.journal).toEqual({
      type: 'postgres',
      url: URL_WITH_PASSWORD,
      leaseSeconds: 30,
      keepDays: 90,
    });
    const socket = { type: 'postgres', url: 'postgresql:///callhook?host=/run/postgresql', instance: 'desk-1', leaseSeconds: 10, keepDays: 7 };
    expect(loadSettings({ journal: socket }).settings.journal).toEqual(socket);
  });

  it('names the field and the fix for each mistake', () => {
    expect(issuesOf({ type: 'mysql' })).toEqual([expect.objectContaining({ path: 'journal.type', message: expect.stringMatching(/"sqlite".*"postgres"/) })]);
    expect(issuesOf({ type: 'postgres' })).toEqual([
      expect.objectContaining({ path: 'journal.url', message: expect.stringMatching(/required.*postgres:\/\//) }),
    ]);
    expect(issuesOf({ type: 'postgres', url: 'http://db.example/x' })).toEqual([
      expect.objectContaining({ path: 'journal.url', message: expect.stringMatching(/must be a postgres:\/\//) }),
    ]);
    expect(issuesOf({ type: 'postgres', url: URL_WITH_PASSWORD, leaseSeconds: 1 })).toEqual([
      expect.objectContaining({ path: 'journal.leaseSeconds', message: expect.stringMatching(/2–3600/) }),
    ]);
    expect(issuesOf({ type: 'postgres', url: URL_WITH_PASSWORD, instance: 'a b' })).toEqual([expect.objectContaining({ path: 'journal.instance' })]);
    expect(issuesOf({ type: 'sqlite', url: URL_WITH_PASSWORD })).toEqual([expect.objectContaining({ path: 'journal' })]);
    // The password of a URL that is refused is not echoed either.
    for (const issue of issuesOf({ type: 'postgres', url: 'http://callhook:s3cret-pw@db.example/x' })) expect(issue.message).not.toContain('s3cret-pw');
  });

  it('shows the URL with its password masked, and takes the masked URL back as the stored one', () => {
    const stored = loadSettings({ journal: { type: 'postgres', url: URL_WITH_PASSWORD, instance: 'a' } }).settings;
    const masked = maskSettings(stored);
    expect(masked.journal).toEqual({
      type: 'postgres',
      url: 'postgres://callhook:***@db.example:5432/callhook',
      instance: 'a',
      leaseSeconds: 30,
      keepDays: 90,
    });
    expect(JSON.stringify(masked)).not.toContain('s3cret-pw');
    const restored = loadSettings(restoreSecrets(masked, stored)).settings;
    expect(restored.journal).toEqual(stored.journal);
    // Another host with the masked password: the password must be typed again.
    const moved = { ...masked, journal: { ...masked.journal, url: 'postgres://callhook:***@elsewhere.example/callhook' } };
    expect(() => restoreSecrets(moved, stored)).toThrow(/journal\.url.*type the password again/s);
  });
});

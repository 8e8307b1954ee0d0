import { loadSettings, SettingsError, type CallSnapshot, type DeliveryRecord, type Logger } from '@callhook/core';
import { SimulatedClock, waitFor } from '@callhook/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteJournal } from '../../src/index.js';
import { DAY_MS, RETENTION_EVERY_MS, scheduleRetention } from '../../src/journal/retention.js';
import { pendingDelivery } from '../support/pending-delivery.js';

const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);

const call = (guid: string, at: number): CallSnapshot => ({
  guid,
  lineId: 'default',
  direction: 'inbound',
  localParty: '303',
  localAlias: '303',
  remoteParty: '420',
  remoteAlias: '420',
  state: 'ended',
  holdState: 'off_hold',
  disposition: 'missed',
  createdAt: new Date(at).toISOString(),
  connectedAt: null,
  disconnectedAt: new Date(at).toISOString(),
  quality: null,
  recording: false,
});

const record = (callGuid: string, at: number): DeliveryRecord => ({
  deliveryId: `${callGuid}:inbound:0:1`,
  callGuid,
  action: 'inbound',
  slot: 0,
  url: 'http://x/',
  mode: 'http',
  attempt: 1,
  outcome: 'delivered',
  status: 200,
  latencyMs: 3,
  error: null,
  at,
  final: true,
});

let journal: SqliteJournal | undefined;
let stop: (() => void) | undefined;
afterEach(async () => {
  stop?.();
  await journal?.close();
});

describe('journal retention (journal.keepDays)', () => {
  it('removes history and log rows older than keepDays at start and again each hour, never the outbox', async () => {
    journal = new SqliteJournal(':memory:');
    const ages = { old: NOW - 10 * DAY_MS, edge: NOW - 7 * DAY_MS + 30 * 60_000, fresh: NOW - DAY_MS };
    for (const [name, at] of Object.entries(ages)) {
      journal.recordCall(call(name, at));
      journal.recordDelivery(record(name, at));
    }
    const pending = pendingDelivery('http://x/pending');
    journal.enqueueDelivery(pending);
    const lines: string[] = [];
    const logger: Logger = { log: (_level, message) => void lines.push(message) };
    const clock = new SimulatedClock(NOW);
    const j = journal;
    stop = scheduleRetention({ journal: j, keepDays: () => 7, clock, logger }).stop;

    const guids = async () => ({
      calls: (await j.recentCalls(100)).map((c) => c.guid).sort(),
      deliveries: (await j.recentDeliveries(100)).map((r) => r.callGuid).sort(),
    });
    await waitFor(async () => (await guids()).calls.length === 2, 'the first retention pass');
    expect(await guids()).toEqual({ calls: ['edge', 'fresh'], deliveries: ['edge', 'fresh'] });
    expect(lines).toContain('journal: removed 1 calls and 1 delivery records older than 7 days (journal.keepDays)');

    // An hour later the "edge" rows have passed seven days; the next pass removes them.
    await clock.advance(RETENTION_EVERY_MS);
    await waitFor(async () => (await guids()).calls.length === 1, 'the hourly retention pass');
    expect(await guids()).toEqual({ calls: ['fresh'], deliveries: ['fresh'] });
    expect(await j.pendingDeliveries()).toEqual([pending]);
    expect(clock.pendingTimers()).toBe(1);
    stop();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('reads keepDays at every pass, so a settings change applies at the next one', async () => {
    journal = new SqliteJournal(':memory:');
    journal.recordDelivery(record('three-days', NOW - 3 * DAY_MS));
    let keepDays = 30;
    const clock = new SimulatedClock(NOW);
    const j = journal;
    const passes: number[] = [];
    const counting = { removeOlderThan: async (before: number) => (passes.push(before), j.removeOlderThan(before)) };
    stop = scheduleRetention({ journal: counting, keepDays: () => keepDays, clock, logger: { log: () => undefined } }).stop;
    await waitFor(() => passes.length === 1, 'the first pass');
    expect(await j.recentDeliveries(10)).toHaveLength(1);
    keepDays = 2;
    await clock.advance(RETENTION_EVERY_MS);
    await waitFor(() => passes.length === 2, 'the second pass');
    expect(passes[1]).toBe(NOW + RETENTION_EVERY_MS - 2 * DAY_MS);
    await waitFor(async () => (await j.recentDeliveries(10)).length === 0, 'the three-day-old record to go');
  });

  it('defaults to 90 days and names the field and the range for a bad value', () => {
    expect(loadSettings({}).settings.journal.keepDays).toBe(90);
    let error: unknown;
    try {
      loadSettings({ journal: { keepDays: 0 } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).issues).toEqual([expect.objectContaining({ path: 'journal.keepDays', message: expect.stringMatching(/at least 1 day/) })]);
  });
});

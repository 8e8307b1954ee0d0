import { describe, expect, it } from 'vitest';
import { dashboardStats, HOUR_MS, quantile } from '../src/pages/dashboard/dashboard-stats.js';
import { call, record } from './support/fake-client.js';

const NOW = Date.UTC(2026, 10, 29, 15, 30);
const iso = (ms: number) => new Date(ms).toISOString();

describe('dashboard statistics', () => {
  it('counts calls per hour as answered, missed or other over the last 24 hours only', () => {
    const stats = dashboardStats(
      [
        call({ guid: 'a', createdAt: iso(NOW - 10 * 60_000), connectedAt: iso(NOW - 9 * 60_000), disposition: 'answered' }),
        call({ guid: 'm', createdAt: iso(NOW - 2 * HOUR_MS), disposition: 'missed' }),
        call({ guid: 'b', createdAt: iso(NOW - 2 * HOUR_MS), disposition: 'busy' }),
        call({ guid: 'old', createdAt: iso(NOW - 25 * HOUR_MS), disposition: 'missed' }),
      ],
      [],
      NOW,
    );
    expect(stats.hours).toHaveLength(24);
    expect(stats.hours[23]).toMatchObject({ start: Date.UTC(2026, 10, 29, 15), answered: 1, missed: 0 });
    expect(stats.hours[21]).toMatchObject({ start: Date.UTC(2026, 10, 29, 13), missed: 1, other: 1 });
    expect({ calls: stats.calls, answered: stats.answered, missed: stats.missed }).toEqual({ calls: 3, answered: 1, missed: 1 });
  });

  it('rates final delivery outcomes and their latency, not the retried attempts', () => {
    const stats = dashboardStats(
      [],
      [
        record({ at: NOW - 1_000, latencyMs: 40 }),
        record({ at: NOW - 2_000, latencyMs: 60 }),
        record({ at: NOW - 3_000, outcome: 'timeout', latencyMs: 5_000, final: false }),
        record({ at: NOW - 4_000, outcome: 'timeout', latencyMs: 5_000 }),
      ],
      NOW,
    );
    expect(stats.deliveries).toBe(3);
    expect(stats.successRate).toBeCloseTo(2 / 3);
    expect(stats.hours[23]).toMatchObject({ delivered: 2, failed: 1, latencyMs: Math.round(5_100 / 3) });
    expect(stats.p50LatencyMs).toBe(60);
    expect(stats.p95LatencyMs).toBe(5_000);
    expect(dashboardStats([], [], NOW)).toMatchObject({ successRate: null, p50LatencyMs: null, deliveries: 0 });
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
  });
});

import type { CallSnapshot, DeliveryRecord } from '@callhook/core';

export const HOUR_MS = 3_600_000;

/** One hour of the last day. */
export interface HourBucket {
  /** Start of the hour, epoch ms. */
  start: number;
  answered: number;
  missed: number;
  /** Calls that ended otherwise (busy, rejected, cancelled, failed, …) or still run. */
  other: number;
  delivered: number;
  failed: number;
  /** Mean latency of the final delivery attempts in this hour, ms; null without any. */
  latencyMs: number | null;
}

/** What the dashboard shows: 24 hourly buckets ending with the current hour, and the day's totals. */
export interface DashboardStats {
  hours: HourBucket[];
  calls: number;
  answered: number;
  missed: number;
  /** Final delivery outcomes in the day. */
  deliveries: number;
  /** Share of final outcomes that reached the receiver, 0–1; null without deliveries. */
  successRate: number | null;
  /** Median and 95th percentile latency of the day's final attempts, ms. */
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
}

const GOOD = new Set(['delivered', 'opened']);

/** The `q` quantile (0–1) of `values` by nearest rank; null for none. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Calls per hour (answered / missed / other) and delivery outcomes with latency per hour over the
 * 24 hours ending with the hour of `now`, from the journal's calls and delivery records. Slot tests
 * count as deliveries like any other; only each delivery's final attempt is counted.
 */
export function dashboardStats(calls: readonly CallSnapshot[], records: readonly DeliveryRecord[], now: number): DashboardStats {
  const currentHour = Math.floor(now / HOUR_MS) * HOUR_MS;
  const first = currentHour - 23 * HOUR_MS;
  const hours: HourBucket[] = Array.from({ length: 24 }, (_, i) => ({
    start: first + i * HOUR_MS,
    answered: 0,
    missed: 0,
    other: 0,
    delivered: 0,
    failed: 0,
    latencyMs: null,
  }));
  const bucketOf = (at: number) => (at >= first && at < currentHour + HOUR_MS ? hours[Math.floor((at - first) / HOUR_MS)] : undefined);
  let answered = 0;
  let missed = 0;
  let total = 0;
  for (const call of calls) {
    const bucket = bucketOf(Date.parse(call.createdAt));
    if (!bucket) continue;
    total++;
    if (call.disposition === 'missed') {
      bucket.missed++;
      missed++;
    } else if (call.connectedAt !== null) {
      bucket.answered++;
      answered++;
    } else bucket.other++;
  }
  const latencies: number[] = [];
  const perHour = new Map<HourBucket, number[]>();
  let good = 0;
  for (const record of records) {
    if (!record.final) continue;
    const bucket = bucketOf(record.at);
    if (!bucket) continue;
    if (GOOD.has(record.outcome)) {
      bucket.delivered++;
      good++;
    } else bucket.failed++;
    latencies.push(record.latencyMs);
    perHour.set(bucket, [...(perHour.get(bucket) ?? []), record.latencyMs]);
  }
  for (const [bucket, values] of perHour) bucket.latencyMs = Math.round(values.reduce((a, b) => a + b, 0) / values.length);
  return {
    hours,
    calls: total,
    answered,
    missed,
    deliveries: latencies.length,
    successRate: latencies.length === 0 ? null : good / latencies.length,
    p50LatencyMs: quantile(latencies, 0.5),
    p95LatencyMs: quantile(latencies, 0.95),
  };
}

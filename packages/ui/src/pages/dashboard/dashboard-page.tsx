import { useEffect, useMemo, useState } from 'react';
import type { CallSnapshot, DeliveryRecord } from '@callhook/core';
import { errorMessage } from '../../client/client-error.js';
import type { EngineClient } from '../../client/engine-client.js';
import { BarChart } from '../../components/bar-chart.js';
import type { EngineState } from '../../state/engine-state.js';
import { dashboardStats } from './dashboard-stats.js';

/** How much of the journal the dashboard reads (the API's largest `limit`). */
const READ_LIMIT = 1_000;

const hourLabel = (start: number) => new Date(start).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 1000) / 10} %`);
const ms = (value: number | null) => (value === null ? '—' : `${value} ms`);

/**
 * The last day at a glance, from the journal: calls per hour (answered vs missed), delivery outcomes
 * per hour with their mean latency, and the day's success rate and latency percentiles. Live events
 * (`state`) are merged in, so it moves while it is open.
 */
export function DashboardPage({ client, state, now }: { client: EngineClient; state: EngineState; now: number }) {
  const [calls, setCalls] = useState<CallSnapshot[]>([]);
  const [records, setRecords] = useState<DeliveryRecord[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    Promise.all([client.getCalls({ limit: READ_LIMIT }), client.getDeliveries({ limit: READ_LIMIT })]).then(
      ([lists, log]) => {
        if (!live) return;
        setCalls(lists.recent);
        setRecords(log);
      },
      (error: unknown) => live && setProblem(`could not read the journal: ${errorMessage(error)}`),
    );
    return () => {
      live = false;
    };
  }, [client]);
  const stats = useMemo(() => {
    const byGuid = new Map([...calls, ...state.recent, ...state.active].map((c) => [c.guid, c]));
    const byKey = new Map([...records, ...state.deliveries].map((r) => [`${r.deliveryId}#${r.attempt}#${r.at}`, r]));
    return dashboardStats([...byGuid.values()], [...byKey.values()], now);
  }, [calls, records, state.recent, state.active, state.deliveries, now]);
  const labels = useMemo(() => stats.hours.map((h) => hourLabel(h.start)), [stats]);
  const callSeries = useMemo(
    () => [
      { label: 'answered', values: stats.hours.map((h) => h.answered), color: '#17713a' },
      { label: 'missed', values: stats.hours.map((h) => h.missed), color: '#b3261e' },
      { label: 'other', values: stats.hours.map((h) => h.other), color: '#8a94a6' },
    ],
    [stats],
  );
  const deliverySeries = useMemo(
    () => [
      { label: 'delivered', values: stats.hours.map((h) => h.delivered), color: '#1f5fbf' },
      { label: 'failed', values: stats.hours.map((h) => h.failed), color: '#b3261e' },
      { label: 'mean latency (ms)', values: stats.hours.map((h) => h.latencyMs), color: '#8a5a00', kind: 'line' as const },
    ],
    [stats],
  );
  return (
    <div className="page" aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
      {problem && (
        <p role="status" className="bad">
          {problem}
        </p>
      )}
      <dl className="figures" aria-label="The last 24 hours">
        <div>
          <dt>Calls</dt>
          <dd>{stats.calls}</dd>
        </div>
        <div>
          <dt>Answered</dt>
          <dd>{stats.answered}</dd>
        </div>
        <div>
          <dt>Missed</dt>
          <dd className={stats.missed > 0 ? 'bad' : undefined}>{stats.missed}</dd>
        </div>
        <div>
          <dt>Delivery success</dt>
          <dd>{percent(stats.successRate)}</dd>
        </div>
        <div>
          <dt>Latency p50 / p95</dt>
          <dd>
            {ms(stats.p50LatencyMs)} / {ms(stats.p95LatencyMs)}
          </dd>
        </div>
      </dl>
      <div className="charts">
        <BarChart title="Calls per hour, last 24 hours" labels={labels} series={callSeries} />
        <BarChart title="Deliveries per hour and mean latency, last 24 hours" labels={labels} series={deliverySeries} lineAxis="ms" />
      </div>
    </div>
  );
}

import type { Engine } from '@callhook/core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics fed by the engine's events; one registry per app so tests don't share counters. */
export class EngineMetrics {
  readonly registry = new Registry();
  private readonly off: () => void;

  constructor(engine: Engine) {
    const registers = [this.registry];
    const calls = new Counter({ name: 'callhook_call_events_total', help: 'Call events by action', labelNames: ['action'], registers });
    const deliveries = new Counter({
      name: 'callhook_deliveries_total',
      help: 'Delivery attempts by outcome',
      labelNames: ['outcome', 'mode'],
      registers,
    });
    const latency = new Histogram({
      name: 'callhook_delivery_latency_seconds',
      help: 'Latency of delivery attempts',
      labelNames: ['outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    new Gauge({
      name: 'callhook_active_calls',
      help: 'Calls not yet ended',
      registers,
      collect() {
        this.set(engine.activeCalls().length);
      },
    });
    new Gauge({
      name: 'callhook_deliveries_pending',
      help: 'Deliveries queued or in flight',
      registers,
      collect() {
        const stats = engine.dispatcher.stats();
        this.set(stats.queued + stats.inFlight);
      },
    });
    new Gauge({
      name: 'callhook_line_ready',
      help: '1 while the line is ready, per line',
      labelNames: ['line'],
      registers,
      collect() {
        this.reset();
        for (const { id, status } of engine.lines.reports()) this.set({ line: id }, status.state === 'ready' ? 1 : 0);
      },
    });
    this.off = engine.on((event) => {
      if (event.type === 'call') calls.inc({ action: event.action });
      if (event.type === 'delivery') {
        deliveries.inc({ outcome: event.record.outcome, mode: event.record.mode });
        latency.observe({ outcome: event.record.outcome }, event.record.latencyMs / 1000);
      }
    });
  }

  close(): void {
    this.off();
  }
}

import { silentLogger, type Engine, type Logger } from '@callhook/core';
import type * as PromClient from 'prom-client';

/** What the engine's events add to the metrics: a call event, or a delivery attempt and its latency. */
type Observation = { kind: 'call'; action: string } | { kind: 'delivery'; outcome: string; mode: string; seconds: number };

/**
 * Observations kept until prom-client is loaded. Reaching this many loads it without a scrape, so an
 * instance nobody scrapes holds at most about this many (a few dozen bytes each).
 */
export const METRICS_PENDING_LIMIT = 1_024;

/** The Prometheus text exposition (`GET /metrics`): its body and content type. */
export interface MetricsExposition {
  contentType: string;
  text: string;
}

/** What EngineMetrics uses of prom-client. */
export type PromClientApi = Pick<typeof PromClient, 'Registry' | 'Counter' | 'Gauge' | 'Histogram'>;

/** How EngineMetrics gets prom-client: a dynamic import unless a test gives another. */
export type PromClientLoader = () => Promise<PromClientApi>;

/**
 * Prometheus metrics fed by the engine's events; one registry per app so tests don't share counters.
 *
 * prom-client (and the OpenTelemetry API it loads) is loaded on the first scrape, not at start: until
 * then each call event and delivery attempt is kept as a small record and replayed into the real
 * metrics once they exist, so the first scrape reports exactly what a registry made at start would
 * have. After `METRICS_PENDING_LIMIT` records prom-client is loaded anyway, which bounds the memory
 * of an instance nobody scrapes. A failed load is logged (`error`) and the kept records are dropped;
 * the next scrape tries again and answers 500 (logged by the app's error handler) while it fails.
 */
export class EngineMetrics {
  private pending: Observation[] = [];
  private loading: Promise<PromClient.Registry> | null = null;
  /** Set once prom-client is loaded: records an observation into the real metrics. */
  private observe: ((observation: Observation) => void) | null = null;
  private readonly off: () => void;

  constructor(
    private readonly engine: Engine,
    private readonly logger: Logger = silentLogger,
    // `default` (module.exports): what Node gives for a CommonJS package and all a bundle's chunk of it
    // exports (apps/cli's esbuild bundle has no named exports for a lazily imported one).
    private readonly loadPromClient: PromClientLoader = async () => (await import('prom-client')).default,
  ) {
    this.off = engine.on((event) => {
      if (event.type === 'call') this.add({ kind: 'call', action: event.action });
      else if (event.type === 'delivery')
        this.add({ kind: 'delivery', outcome: event.record.outcome, mode: event.record.mode, seconds: event.record.latencyMs / 1000 });
    });
  }

  /** Whether prom-client has been loaded (by a scrape, or by `METRICS_PENDING_LIMIT` observations). */
  get loaded(): boolean {
    return this.observe !== null;
  }

  /** The metrics in the Prometheus text format; the first call loads prom-client. Rejects when it cannot be loaded. */
  async exposition(): Promise<MetricsExposition> {
    const registry = await this.registry();
    return { contentType: registry.contentType, text: await registry.metrics() };
  }

  close(): void {
    this.off();
  }

  private add(observation: Observation): void {
    if (this.observe) return this.observe(observation);
    this.pending.push(observation);
    if (this.pending.length >= METRICS_PENDING_LIMIT) this.registry().catch(() => undefined); // failure logged in registry()
  }

  /** Loads prom-client once, builds the metrics and replays what was kept until then. */
  private registry(): Promise<PromClient.Registry> {
    this.loading ??= this.loadPromClient()
      .then((client) => {
        const { registry, observe } = buildMetrics(client, this.engine);
        for (const observation of this.pending) observe(observation);
        this.pending = [];
        this.observe = observe;
        return registry;
      })
      .catch((error: unknown) => {
        const dropped = this.pending.length;
        this.pending = [];
        this.loading = null;
        this.logger.log('error', `metrics: cannot load prom-client (${(error as Error)?.message ?? String(error)}); ${dropped} observation(s) dropped`);
        throw error;
      });
    return this.loading;
  }
}

/** The registry and its six metrics (names and help as documented in the README's endpoint table). */
function buildMetrics(client: PromClientApi, engine: Engine): { registry: PromClient.Registry; observe: (o: Observation) => void } {
  const registry = new client.Registry();
  const registers = [registry];
  const calls = new client.Counter({ name: 'callhook_call_events_total', help: 'Call events by action', labelNames: ['action'], registers });
  const deliveries = new client.Counter({
    name: 'callhook_deliveries_total',
    help: 'Delivery attempts by outcome',
    labelNames: ['outcome', 'mode'],
    registers,
  });
  const latency = new client.Histogram({
    name: 'callhook_delivery_latency_seconds',
    help: 'Latency of delivery attempts',
    labelNames: ['outcome'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  new client.Gauge({
    name: 'callhook_active_calls',
    help: 'Calls not yet ended',
    registers,
    collect() {
      this.set(engine.activeCalls().length);
    },
  });
  new client.Gauge({
    name: 'callhook_deliveries_pending',
    help: 'Deliveries queued or in flight',
    registers,
    collect() {
      const stats = engine.dispatcher.stats();
      this.set(stats.queued + stats.inFlight);
    },
  });
  new client.Gauge({
    name: 'callhook_line_ready',
    help: '1 while the line is ready, per line',
    labelNames: ['line'],
    registers,
    collect() {
      this.reset();
      for (const { id, status } of engine.lines.reports()) this.set({ line: id }, status.state === 'ready' ? 1 : 0);
    },
  });
  const observe = (o: Observation): void => {
    if (o.kind === 'call') return void calls.inc({ action: o.action });
    deliveries.inc({ outcome: o.outcome, mode: o.mode });
    latency.observe({ outcome: o.outcome }, o.seconds);
  };
  return { registry, observe };
}

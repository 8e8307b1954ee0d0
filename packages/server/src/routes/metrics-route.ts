import type { FastifyInstance } from 'fastify';
import type { EngineMetrics } from '../metrics/engine-metrics.js';

/**
 * `GET /metrics` in the Prometheus text format (behind the same gate as the control API). The first
 * request loads prom-client (see `EngineMetrics`); if that fails the answer is a 500, logged.
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: EngineMetrics): void {
  app.get('/metrics', async (_request, reply) => {
    const { contentType, text } = await metrics.exposition();
    return reply.type(contentType).send(text);
  });
}

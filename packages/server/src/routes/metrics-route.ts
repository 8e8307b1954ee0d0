import type { FastifyInstance } from 'fastify';
import type { EngineMetrics } from '../metrics/engine-metrics.js';

/** `GET /metrics` in the Prometheus text format (behind the same gate as the control API). */
export function registerMetricsRoute(app: FastifyInstance, metrics: EngineMetrics): void {
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}

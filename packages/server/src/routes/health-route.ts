import type { Engine } from '@callhook/core';
import type { FastifyInstance } from 'fastify';

/** `GET /healthz`: 200 while the line is ready, 503 otherwise; no token needed. */
export function registerHealthRoute(app: FastifyInstance, engine: Engine): void {
  app.get('/healthz', { config: { tokenExempt: true } }, async (_request, reply) => {
    const line = engine.line.status();
    const ready = line.state === 'ready';
    return reply.code(ready ? 200 : 503).send({ ok: ready, line, deliveries: engine.dispatcher.stats() });
  });
}

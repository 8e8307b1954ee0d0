import type { Engine } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import type { History } from '../journal/history.js';

/**
 * `GET /healthz`: 200 while the line is ready, 503 otherwise; no token needed. Also the dispatcher's
 * counts and `outbox.quarantined`: stored entries that could not be used (see the server's log for
 * each one's row and reason).
 */
export function registerHealthRoute(app: FastifyInstance, engine: Engine, history?: History): void {
  app.get('/healthz', { config: { tokenExempt: true } }, async (_request, reply) => {
    const line = engine.line.status();
    const ready = line.state === 'ready';
    let quarantined: number | null = null;
    try {
      quarantined = (await history?.quarantinedEntries?.(0))?.count ?? null;
    } catch {
      quarantined = null; // a journal that cannot answer does not make the health check fail
    }
    return reply.code(ready ? 200 : 503).send({ ok: ready, line, deliveries: engine.dispatcher.stats(), outbox: { quarantined } });
  });
}

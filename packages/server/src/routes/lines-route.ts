import type { Engine } from '@callhook/core';
import type { FastifyInstance } from 'fastify';

/** `GET /api/v1/lines`: every line of the engine in order, with its type and status (`LineReport`). */
export function registerLinesRoute(app: FastifyInstance, engine: Engine): void {
  app.get('/api/v1/lines', async () => ({ ok: true, lines: engine.lines.reports() }));
}

import type { Engine } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API } from '../contract/routes.js';
import { contractSchema } from '../http/contract-route.js';

/** `GET /api/v1/lines`: every line of the engine in order, with its type and status (`LineReport`). */
export function registerLinesRoute(app: FastifyInstance, engine: Engine): void {
  app
    .withTypeProvider<ZodTypeProvider>()
    .get(API.listLines.path, { schema: contractSchema(API.listLines) }, async () => ({ ok: true as const, lines: engine.lines.reports() }));
}

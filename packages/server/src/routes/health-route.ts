import type { Engine, EngineAddOn } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API } from '../contract/routes.js';
import { contractSchema } from '../http/contract-route.js';
import type { History } from '../journal/history.js';

/**
 * `GET /healthz`: 200 while every line is ready, 503 otherwise; `lines` reports each line (id, type,
 * status), `line` the first one's status (as before there were many); no token needed. Also the dispatcher's
 * counts and `outbox.quarantined`: stored entries that could not be used (see the server's log for
 * each one's row and reason). `addOns` (when any run, e.g. `mqtt`) says how each one's connection
 * stands; a broker that is down does not make the check fail (its messages wait in the outbox).
 */
export function registerHealthRoute(app: FastifyInstance, engine: Engine, history?: History, addOns: readonly EngineAddOn[] = []): void {
  app
    .withTypeProvider<ZodTypeProvider>()
    .get(API.health.path, { config: { tokenExempt: true }, schema: contractSchema(API.health) }, async (_request, reply) => {
      const lines = engine.lines.reports();
      const ready = lines.length > 0 && lines.every((l) => l.status.state === 'ready');
      const line = lines[0]?.status ?? { state: 'stopped' as const, detail: 'no line' };
      let quarantined: number | null = null;
      try {
        quarantined = (await history?.quarantinedEntries?.(0))?.count ?? null;
      } catch {
        quarantined = null; // a journal that cannot answer does not make the health check fail
      }
      const body = { ok: ready, line, lines, deliveries: engine.dispatcher.stats(), outbox: { quarantined } };
      if (addOns.length === 0) return reply.code(ready ? 200 : 503).send(body);
      return reply.code(ready ? 200 : 503).send({ ...body, addOns: Object.fromEntries(addOns.map((addOn) => [addOn.name, addOn.health()])) });
    });
}

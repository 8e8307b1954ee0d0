import type { Engine } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CallhookError } from '@callhook/core';
import { parseRequest } from '../http/parse-request.js';
import type { History } from '../journal/history.js';

const LimitQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  call: z.string().max(64).optional(),
  token: z.string().optional(),
});

/** `GET /api/v1/calls` (active and recent calls with their dispositions) and `GET /api/v1/deliveries`. */
export function registerHistoryRoutes(app: FastifyInstance, engine: Engine, history: History): void {
  app.get('/api/v1/calls', async (request) => {
    const { limit } = parseRequest(LimitQuery, request.query, 'query');
    return { ok: true, active: engine.activeCalls(), recent: await history.recentCalls(limit) };
  });

  app.get('/api/v1/calls/:guid', async (request) => {
    const { guid } = request.params as { guid: string };
    const call = engine.call(guid) ?? (await history.recentCalls(1_000)).find((c) => c.guid === guid);
    if (!call) throw new CallhookError('no_such_call', `no call ${guid}`, { call: guid });
    return { ok: true, call, deliveries: await history.recentDeliveries(1_000, guid) };
  });

  app.get('/api/v1/deliveries', async (request) => {
    const { limit, call } = parseRequest(LimitQuery, request.query, 'query');
    return { ok: true, stats: engine.dispatcher.stats(), deliveries: await history.recentDeliveries(limit, call) };
  });
}

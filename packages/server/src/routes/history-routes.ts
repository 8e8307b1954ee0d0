import { CallhookError, type Engine } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API } from '../contract/routes.js';
import { contractSchema } from '../http/contract-route.js';
import type { History } from '../journal/history.js';

/** `GET /api/v1/calls` (active and recent calls with their dispositions), `GET /api/v1/calls/:guid` and `GET /api/v1/deliveries`. */
export function registerHistoryRoutes(app: FastifyInstance, engine: Engine, history: History): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(API.listCalls.path, { schema: contractSchema(API.listCalls) }, async (request) => {
    return { ok: true as const, active: engine.activeCalls(), recent: await history.recentCalls(request.query.limit) };
  });

  api.get(API.getCall.path, { schema: contractSchema(API.getCall) }, async (request) => {
    const { guid } = request.params;
    const call = engine.call(guid) ?? (await history.recentCalls(1_000)).find((c) => c.guid === guid);
    if (!call) throw new CallhookError('no_such_call', `no call ${guid}`, { call: guid });
    return { ok: true as const, call, deliveries: await history.recentDeliveries(1_000, guid) };
  });

  api.get(API.listDeliveries.path, { schema: contractSchema(API.listDeliveries) }, async (request) => {
    const { limit, call } = request.query;
    return { ok: true as const, stats: engine.dispatcher.stats(), deliveries: await history.recentDeliveries(limit, call) };
  });
}

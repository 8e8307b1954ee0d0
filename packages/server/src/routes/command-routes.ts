import { ExpectedError, type Clock, type Engine } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { findLoggedDelivery } from '../console/find-logged.js';
import { replayDelivery } from '../console/replay-delivery.js';
import { testSlot } from '../console/slot-test.js';
import { API } from '../contract/routes.js';
import { CALL_PLACING_ACTIONS, takeCallPlace, type TokenBucketLimiter } from '../gate/rate-limiter.js';
import { contractSchema } from '../http/contract-route.js';
import { peerKey } from '../runtime/connection-guard.js';
import type { History } from '../journal/history.js';

/**
 * The console's controls:
 * - `POST /api/v1/commands`: an InboundCommand; make_call and transfer take a place from the same
 *   per-peer call limit as inbound Action URLs. The inbound action switches guard Action URLs, not this:
 *   whoever reaches the control API (with the token, or without one from inside allowFrom) may change
 *   the settings anyway, switches included.
 * - `POST /api/v1/slots/test`: fires one slot, saved or not, once against the given call.
 * - `POST /api/v1/deliveries/:id/replay`: GET slots only (the log keeps the URL, not a POST body).
 * The last two answer `{ ok: true, record }`, stamped with `clock`'s time.
 */
export function registerCommandRoutes(app: FastifyInstance, engine: Engine, history: History, limiter: TokenBucketLimiter, clock: Clock): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(API.execute.path, { schema: contractSchema(API.execute) }, async (request) => {
    const command = request.body;
    const release = CALL_PLACING_ACTIONS.has(command.action)
      ? takeCallPlace(limiter, peerKey(request.raw.socket.remoteAddress), engine.settings.settings.inbound.rateLimit)
      : null;
    try {
      const result = await engine.execute(command);
      return { ok: true as const, action: result.action, call: result.call };
    } catch (error) {
      // A refused call places nothing: its place goes back.
      if (error instanceof ExpectedError) release?.();
      throw error;
    }
  });

  api.post(API.testSlot.path, { schema: contractSchema(API.testSlot) }, async (request) => {
    const record = await testSlot(engine.dispatcher, request.body, clock.now(), engine.settings.settings);
    return { ok: true as const, record };
  });

  api.post(API.replayDelivery.path, { schema: contractSchema(API.replayDelivery) }, async (request) => {
    const logged = await findLoggedDelivery(history, request.params.id);
    const slot = engine.settings.settings.actionUrls.slots[logged.slot];
    const record = await replayDelivery(engine.dispatcher, logged, slot, clock.now());
    return { ok: true as const, record };
  });
}

import { ExpectedError, type Engine } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import { ConsoleCommandSchema, SlotTestSchema } from '../console/command-schema.js';
import { findLoggedDelivery } from '../console/find-logged.js';
import { replayDelivery } from '../console/replay-delivery.js';
import { testSlot } from '../console/slot-test.js';
import { CALL_PLACING_ACTIONS, takeCallPlace, type TokenBucketLimiter } from '../gate/rate-limiter.js';
import { parseRequest } from '../http/parse-request.js';
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
 * The last two answer `{ ok: true, record }`.
 */
export function registerCommandRoutes(app: FastifyInstance, engine: Engine, history: History, limiter: TokenBucketLimiter): void {
  app.post('/api/v1/commands', async (request) => {
    const command = parseRequest(ConsoleCommandSchema, request.body);
    const release = CALL_PLACING_ACTIONS.has(command.action)
      ? takeCallPlace(limiter, peerKey(request.raw.socket.remoteAddress), engine.settings.settings.inbound.rateLimit)
      : null;
    try {
      const result = await engine.execute(command);
      return { ok: true, action: result.action, call: result.call };
    } catch (error) {
      // A refused call places nothing: its place goes back.
      if (error instanceof ExpectedError) release?.();
      throw error;
    }
  });

  app.post('/api/v1/slots/test', async (request) => {
    const record = await testSlot(engine.dispatcher, parseRequest(SlotTestSchema, request.body), Date.now(), engine.settings.settings);
    return { ok: true, record };
  });

  app.post('/api/v1/deliveries/:id/replay', async (request) => {
    const { id } = request.params as { id: string };
    const logged = findLoggedDelivery(history, id);
    const slot = engine.settings.settings.actionUrls.slots[logged.slot];
    const record = await replayDelivery(engine.dispatcher, logged, slot, Date.now());
    return { ok: true, record };
  });
}

import {
  ACTIONS, CallhookError, CallSnapshotSchema, deliveriesFor, loadSettings, parseTarget, SlotSchema,
  type DeliveryRecord, type Engine, type InboundCommand, type PendingDelivery,
} from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { History } from '../journal/history.js';

// The same rules as the inbound Action URL parser: core's parseTarget (it throws invalid_target),
// call GUIDs, DTMF digits.
const callRef = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'call must be a call GUID')
  .transform((guid) => guid.toLowerCase())
  .nullable()
  .default(null);
const target = z.string().min(1).max(256).transform((raw) => parseTarget(raw));
const CommandBody = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('make_call'), target, force: z.boolean().default(false) }),
  z.strictObject({ action: z.enum(['answer', 'hangup', 'hold', 'unhold']), call: callRef }),
  z.strictObject({ action: z.literal('transfer'), target, call: callRef }),
  z.strictObject({
    action: z.literal('dtmf'),
    digits: z.string().regex(/^[0-9*#A-Da-d]{1,32}$/, 'digits takes 1–32 of 0-9, *, #, A-D').transform((d) => d.toUpperCase()),
    call: callRef,
  }),
]);
const SlotTestBody = z.strictObject({ slot: SlotSchema, action: z.enum(ACTIONS), call: CallSnapshotSchema });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CallhookError('bad_request', `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Submits one delivery and resolves with its final record (after retries), bounded by a deadline. */
function deliverOnce(engine: Engine, delivery: PendingDelivery): Promise<DeliveryRecord> {
  const { max, backoffMs } = delivery.retries;
  const deadlineMs = (max + 1) * delivery.timeoutMs + max * backoffMs * 2 ** Math.min(max, 6) + 1_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`no result within ${deadlineMs} ms`))), deadlineMs);
    const off = engine.dispatcher.onRecord((record) => {
      if (record.deliveryId !== delivery.id || !record.final) return;
      clearTimeout(timer);
      off();
      resolve(record);
    });
    if (!engine.dispatcher.submit(delivery)) {
      clearTimeout(timer);
      off();
      reject(new Error('the delivery queue is full; try again in a moment'));
    }
  });
}

/**
 * The console's controls: `POST /api/v1/commands` (an InboundCommand; the control API is behind the
 * token, so the inbound action switches do not apply), `POST /api/v1/slots/test` (fires one slot, saved
 * or not, once against the given call) and `POST /api/v1/deliveries/:id/replay` (GET slots only: the log
 * keeps the URL, not a POST body). Both answer `{ ok: true, record }`.
 */
export function registerCommandRoutes(app: FastifyInstance, engine: Engine, history: History): void {
  let replays = 0;
  app.post('/api/v1/commands', async (request) => {
    const result = await engine.execute(parse(CommandBody, request.body) as InboundCommand);
    return { ok: true, action: result.action, call: result.call };
  });

  app.post('/api/v1/slots/test', async (request) => {
    const test = parse(SlotTestBody, request.body);
    const loaded = loadSettings({ actionUrls: { enabled: true, slots: [{ ...test.slot, active: true, on: test.action }] } });
    const now = Date.now();
    const [delivery] = deliveriesFor(loaded, { action: test.action, call: test.call, at: now, sequence: 1 });
    const record = await deliverOnce(engine, { ...delivery!, id: `test:${now}:${test.action}`, callGuid: `test:${test.call.guid}` });
    return { ok: true, record };
  });

  app.post('/api/v1/deliveries/:id/replay', async (request) => {
    const { id } = request.params as { id: string };
    const logged = history.recentDeliveries(1_000).find((r) => r.deliveryId === id);
    if (!logged) throw new CallhookError('bad_request', `delivery ${id} is no longer in the log`);
    const slot = engine.settings.settings.actionUrls.slots[logged.slot];
    if (slot?.method === 'POST') throw new CallhookError('bad_request', 'a POST slot cannot be replayed from the log (its body is not kept)');
    const record = await deliverOnce(engine, {
      id: `${id}:replay:${++replays}`, callGuid: logged.callGuid, action: logged.action, slot: logged.slot, sequence: replays,
      url: logged.url, mode: logged.mode, method: 'GET', headers: { ...(slot?.headers ?? {}) }, body: null,
      signingSecret: slot?.secret ?? null, timeoutMs: slot?.timeoutMs ?? 5_000, retries: { max: 0, backoffMs: 1_000 }, createdAt: Date.now(),
    });
    return { ok: true, record };
  });
}

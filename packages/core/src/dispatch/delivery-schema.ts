import * as z from 'zod';
import { ACTIONS } from '../actions.js';
import type { PendingDelivery } from './delivery.js';

/**
 * The shape of a `PendingDelivery` as stored in an outbox, for journals to check what they read
 * back: a row written by another version, edited by hand or damaged must be refused with a reason,
 * not sent (or crash the dispatcher) with missing fields.
 */
export const PendingDeliverySchema = z
  .object({
    id: z.string().min(1),
    callGuid: z.string().min(1),
    action: z.enum(ACTIONS),
    slot: z.number().int().nonnegative(),
    sequence: z.number().int().nonnegative(),
    url: z.string().min(1),
    mode: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'mode names a delivery sink such as http or browser'),
    method: z.enum(['GET', 'POST']),
    headers: z.record(z.string(), z.string()),
    body: z.string().nullable(),
    signingSecret: z.string().nullable(),
    timeoutMs: z.number().int().positive(),
    retries: z.object({ max: z.number().int().nonnegative(), backoffMs: z.number().nonnegative(), maxBackoffMs: z.number().nonnegative().optional() }),
    createdAt: z.number(),
  })
  .strict();

/**
 * Reads one stored outbox entry (its JSON text): the delivery, or a one-line reason it cannot be
 * used (bad JSON, or which field is wrong). Never throws.
 */
export function readStoredDelivery(text: string): { ok: true; delivery: PendingDelivery } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = PendingDeliverySchema.safeParse(value);
  if (parsed.success) return { ok: true, delivery: parsed.data };
  const issue = parsed.error.issues[0]!;
  const at = issue.path.length > 0 ? issue.path.join('.') : '(the entry)';
  return { ok: false, reason: `not a delivery: ${at}: ${issue.message}` };
}

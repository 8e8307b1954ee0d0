import { ACTIONS, CallSnapshotSchema, INBOUND_ACTIONS, type DeliveryRecord } from '@callhook/core';
import { z } from 'zod';

/** Response shapes of the control API, as zod schemas for the OpenAPI document. */
export const ErrorBodySchema = z.object({
  ok: z.literal(false),
  code: z.string().describe('stable error code, e.g. unauthorized, action_disabled, duplicate_dial'),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const DeliveryRecordSchema = z.object({
  deliveryId: z.string().describe('<call guid>:<action>:<slot>:<sequence>; also the Idempotency-Key'),
  callGuid: z.string(),
  action: z.enum(ACTIONS),
  slot: z.number().int(),
  url: z.string(),
  mode: z.string().describe('the delivery sink: http, browser, or one the edition adds'),
  attempt: z.number().int(),
  outcome: z.enum(['delivered', 'opened', 'http_error', 'timeout', 'network_error', 'dropped']),
  status: z.number().int().nullable(),
  latencyMs: z.number(),
  error: z.string().nullable(),
  at: z.number().describe('epoch ms'),
  final: z.boolean(),
});

// Fails to compile if core's DeliveryRecord and this schema drift apart.
const _sameShape: z.infer<typeof DeliveryRecordSchema> extends DeliveryRecord
  ? DeliveryRecord extends z.infer<typeof DeliveryRecordSchema>
    ? true
    : never
  : never = true;
void _sameShape;

export const CallReplySchema = z.object({
  ok: z.literal(true),
  action: z.enum(INBOUND_ACTIONS).optional(),
  call: CallSnapshotSchema.nullable(),
});

export const CallsSchema = z.object({ ok: z.literal(true), active: z.array(CallSnapshotSchema), recent: z.array(CallSnapshotSchema) });

export const DeliveriesSchema = z.object({
  ok: z.literal(true),
  stats: z.object({ queued: z.number(), inFlight: z.number(), dropped: z.number(), parked: z.number() }),
  deliveries: z.array(DeliveryRecordSchema),
});

export const IncomingBodySchema = z.object({ from: z.string(), name: z.string().nullable().optional(), line: z.string().optional().describe('simulator line id; needed when several run') });
export const CallBodySchema = z.object({ call: z.string().optional(), line: z.string().optional() });

export const LinesSchema = z.object({
  ok: z.literal(true),
  lines: z.array(z.object({ id: z.string(), type: z.string(), status: z.object({ state: z.string(), detail: z.string() }) })),
});

import {
  ACTIONS,
  CALL_GUID_PATTERN,
  CallSnapshotSchema,
  INBOUND_ACTIONS,
  type DeliveryRecord,
  type LineState,
  type MaskedSettings,
  type MaskedSettingsInput,
} from '@callhook/core';
import * as z from 'zod';
import type { SameShape } from './same-shape.js';

/**
 * The bodies the control API answers, as zod schemas. Response schemas hold no transforms: the server
 * serializes with them (zod's encode) and clients parse with them, so both directions must work.
 */

/** Every error answer: `{ ok: false, code, message, details? }`. */
export const ErrorBodySchema = z.object({
  ok: z.literal(false),
  code: z.string().describe('stable error code, e.g. unauthorized, action_disabled, duplicate_dial'),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const DeliveryRecordSchema = z.object({
  deliveryId: z.string().describe('<call guid>:<action>:<slot>:<sequence>; also the Idempotency-Key'),
  callGuid: z.string().describe('the call; "test:<guid>" for a slot test from the console'),
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

/** A record of a slot test from the console (`POST /api/v1/slots/test`): its call guid starts with `test:`. */
export function isTestDelivery(record: Pick<DeliveryRecord, 'callGuid'>): boolean {
  return record.callGuid.startsWith('test:');
}

// Fails to compile if core's DeliveryRecord and this schema drift apart.
const _sameRecord: SameShape<z.infer<typeof DeliveryRecordSchema>, DeliveryRecord> = true;
void _sameRecord;

export const LINE_STATES = ['starting', 'ready', 'registering', 'unregistered', 'failed', 'stopped'] as const;
const _sameStates: (typeof LINE_STATES)[number] extends LineState ? (LineState extends (typeof LINE_STATES)[number] ? true : never) : never = true;
void _sameStates;

export const LineStatusSchema = z.object({ state: z.enum(LINE_STATES), detail: z.string() });
export const LineReportSchema = z.object({ id: z.string(), type: z.string(), status: LineStatusSchema });
export const DispatcherStatsSchema = z.object({ queued: z.number(), inFlight: z.number(), dropped: z.number(), parked: z.number() });

/**
 * Where the OpenAPI document keeps the edition's settings schema: `components.schemas.Settings`, the
 * masked settings document (JSON Schema, input side: defaults may be left out) of the edition's line
 * plugins and sinks, filled in by the server that serves the document (`registerOpenApi`).
 */
export const SETTINGS_COMPONENT_REF = '#/components/schemas/Settings';

/**
 * A settings document with every secret that is set as `{"set": true}`. Its full schema depends on the
 * edition (line plugins, sinks), so the contract refers to it (`$ref` to `SETTINGS_COMPONENT_REF`, in
 * the OpenAPI document generated from these schemas) rather than fixing one edition's here; its
 * TypeScript types are core's `MaskedSettings` / `MaskedSettingsInput`. The contract only checks that
 * it is an object: the server validates it with the edition's schema, naming every bad field and the
 * fix (`invalid_settings`), which a request validator stopping at the first issue could not.
 */
const isJsonObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
const settingsDocument = <T>(description: string) =>
  z.custom<T>(isJsonObject, 'settings must be a JSON object').describe(description).meta({ $ref: SETTINGS_COMPONENT_REF });
export const MaskedSettingsDocumentSchema = settingsDocument<MaskedSettings>('the masked settings document, every default filled in');
/** What `PUT /api/v1/settings` takes: the same document, defaults left out as the file may leave them. */
export const MaskedSettingsInputSchema = settingsDocument<MaskedSettingsInput>(
  'the masked settings document; fields left out take their defaults, {"set": true} keeps a stored secret',
);

export const CallReplySchema = z.object({
  ok: z.literal(true),
  action: z.enum(INBOUND_ACTIONS).optional(),
  call: CallSnapshotSchema.nullable(),
});
export const CallsReplySchema = z.object({ ok: z.literal(true), active: z.array(CallSnapshotSchema), recent: z.array(CallSnapshotSchema) });
export const CallDetailReplySchema = z.object({ ok: z.literal(true), call: CallSnapshotSchema, deliveries: z.array(DeliveryRecordSchema) });
export const DeliveriesReplySchema = z.object({ ok: z.literal(true), stats: DispatcherStatsSchema, deliveries: z.array(DeliveryRecordSchema) });
export const RecordReplySchema = z.object({ ok: z.literal(true), record: DeliveryRecordSchema });
/** One line type of the edition, for a generic settings editor: its fields as JSON Schema, its write-only fields. */
export const LineTypeSchema = z.object({
  type: z.string().describe('the value of "type" in a line, e.g. "sip" or "simulator"'),
  secrets: z.array(z.string()).describe('fields that are write-only: read as {"set": true}, send the marker back to keep them'),
  schema: z.record(z.string(), z.unknown()).describe("JSON Schema (draft 2020-12, input side) of the line's settings, from the plugin's zod schema"),
  setup: z.boolean().describe('whether lines of this type give setup text (GET /api/v1/lines/:id/setup) once running: the plugin declares it'),
});
export const LineTypesReplySchema = z.object({ ok: z.literal(true), types: z.array(LineTypeSchema) });
/** A running line as `GET /api/v1/lines` lists it: its report and what its plugin can do for it. */
export const ListedLineSchema = LineReportSchema.extend({
  setup: z
    .boolean()
    .describe(
      'whether GET /api/v1/lines/:id/setup answers setup text for this line (its plugin declares it, e.g. a desk phone): the console offers "Set up phone"',
    ),
});
export const LinesReplySchema = z.object({ ok: z.literal(true), lines: z.array(ListedLineSchema) });
/**
 * What to enter on a desk phone for one of its lines (`GET /api/v1/lines/:id/setup`, the deskphone line
 * plugin's route; `callhook phone setup` prints the same text). The text holds the line's event-URL
 * secret: show it to the phone's admin only.
 */
export const LineSetupReplySchema = z.object({
  ok: z.literal(true),
  line: z.string().describe('the line id'),
  vendor: z.string().describe('the phone maker: snom, yealink or grandstream'),
  text: z
    .string()
    .describe('plain text: the settings to enter on the phone (names and values), the allow-list entry, the prompt to switch off; one setting a line'),
});
export const SettingsReplySchema = z.object({
  ok: z.literal(true),
  settings: MaskedSettingsDocumentSchema,
  file: z.string().nullable().describe('where PUT persists; null when nowhere'),
});
export const SaveSettingsReplySchema = z.object({
  ok: z.literal(true),
  settings: MaskedSettingsDocumentSchema,
  persisted: z.boolean(),
  restartRequired: z.boolean(),
  restartFields: z.array(z.string()).describe('fields that wait for a restart, e.g. inbound.port'),
});
/** `/healthz`: 200 when every line is ready, 503 (same body, `ok: false`) otherwise. */
export const HealthReplySchema = z.object({
  ok: z.boolean(),
  line: LineStatusSchema.describe("the first line's status"),
  lines: z.array(LineReportSchema),
  deliveries: DispatcherStatsSchema,
  outbox: z.object({ quarantined: z.number().int().nullable() }),
  addOns: z
    .record(z.string(), z.object({ state: z.enum(['up', 'down', 'stopped']), detail: z.string() }))
    .optional()
    .describe('add-ons running beside the engine (e.g. mqtt) and how their connection stands'),
});

/** Query of the history routes. `token` is allowed because the token may travel as `token=`. */
/** A call's guid, or the `test:` id the console's slot tests log their deliveries under. */
const CALL_FILTER_MESSAGE =
  'call takes a call guid (e.g. 1399c8c8-cf9e-7ebe-b64f-d12b1f7bea35, from GET /api/v1/calls or callhook calls) or a console test id (test:…)';
export const HistoryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  call: z
    .string()
    .max(64, CALL_FILTER_MESSAGE)
    .refine((call) => CALL_GUID_PATTERN.test(call) || call.startsWith('test:'), { error: CALL_FILTER_MESSAGE })
    .optional(),
  token: z.string().optional(),
});

const lineRef = z.string().max(32).optional().describe('simulator line id; needed when several run');
export const IncomingBodySchema = z.strictObject({
  from: z.string().min(1, 'from needs the caller number, e.g. "420"').max(256),
  name: z.string().max(256).nullable().optional(),
  line: lineRef,
});
export const CallRefBodySchema = z.strictObject({ call: z.string().max(64).optional(), line: lineRef }).default({});

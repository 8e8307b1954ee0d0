import { LineIdSchema } from '@callhook/core';
import * as z from 'zod';
import { ConsoleCommandSchema, SlotTestSchema } from './command-schema.js';
import {
  CallDetailReplySchema,
  CallRefBodySchema,
  CallReplySchema,
  CallsReplySchema,
  DeliveriesReplySchema,
  HealthReplySchema,
  HistoryQuerySchema,
  IncomingBodySchema,
  LinesReplySchema,
  LineSetupReplySchema,
  LineTypesReplySchema,
  MaskedSettingsInputSchema,
  RecordReplySchema,
  SaveSettingsReplySchema,
  SettingsReplySchema,
} from './schemas.js';

/** One route of the control API: where it is, what it takes, what it answers (status 200). */
export interface RouteContract {
  method: 'GET' | 'PUT' | 'POST';
  /** fastify's form: `:name` for a path parameter. */
  path: string;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
  /** Statuses besides 200 that answer the same body (`/healthz`'s 503). */
  alsoAnswers?: readonly number[];
}

/**
 * `GET /api/v1/calls/:guid/recording`: the WAV recording of a call (softphone mode, `line.media.record`),
 * `audio/wav` (stereo 16-bit 8 kHz: left what callhook sent, right what the far end sent). 404
 * `no_such_call` when the call was not recorded or its file is gone. Not in `API`: its answer is
 * a file, not JSON, so the typed client does not carry it.
 */
export const RECORDING_ROUTE = {
  method: 'GET',
  path: '/api/v1/calls/:guid/recording',
  summary: 'The WAV recording of a call (audio/wav; softphone mode with line.media.record)',
  params: z.object({ guid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a call GUID') }),
} as const;

/**
 * `GET /api/v1/lines/:id/setup`: the setup text of a running desk-phone line (what to enter on the
 * phone). Not in `API`: the deskphone line plugin registers it, so only editions with that plugin
 * answer it (the others 404); clients call it through `routePath` and parse with `response`.
 * A running line of another type, or no line of that id: 404 `no_such_line`.
 */
export const LINE_SETUP_ROUTE = {
  method: 'GET',
  path: '/api/v1/lines/:id/setup',
  summary: 'What to enter on a desk phone for one deskphone line (event URL settings, allow-list entry, prompt to switch off)',
  params: z.object({ id: LineIdSchema }),
  response: LineSetupReplySchema,
} as const satisfies RouteContract;

/**
 * The control API, declared once. The server registers its routes with these schemas (requests
 * validated, responses serialized through them, the OpenAPI document generated from them) and
 * `createApiClient` derives its typed methods from them.
 */
export const API = {
  listCalls: { method: 'GET', path: '/api/v1/calls', summary: 'Active and recent calls', query: HistoryQuerySchema, response: CallsReplySchema },
  getCall: {
    method: 'GET',
    path: '/api/v1/calls/:guid',
    summary: 'One call (active or recent) with its deliveries',
    params: z.object({ guid: z.string().max(64) }),
    response: CallDetailReplySchema,
  },
  listDeliveries: {
    method: 'GET',
    path: '/api/v1/deliveries',
    summary: 'Delivery log, newest first',
    query: HistoryQuerySchema,
    response: DeliveriesReplySchema,
  },
  listLines: { method: 'GET', path: '/api/v1/lines', summary: 'Every line with its type and status', response: LinesReplySchema },
  listLineTypes: {
    method: 'GET',
    path: '/api/v1/line-types',
    summary: "The edition's line types with the JSON Schema of their settings and their secret fields",
    response: LineTypesReplySchema,
  },
  getSettings: {
    method: 'GET',
    path: '/api/v1/settings',
    summary: 'Current settings; every secret that is set reads {"set": true}',
    response: SettingsReplySchema,
  },
  saveSettings: {
    method: 'PUT',
    path: '/api/v1/settings',
    summary: 'Validate, persist atomically and apply live; {"set": true} keeps a stored secret, a value replaces it, null/"" removes it',
    body: MaskedSettingsInputSchema,
    response: SaveSettingsReplySchema,
  },
  execute: {
    method: 'POST',
    path: '/api/v1/commands',
    summary: 'Carry out an InboundCommand (make_call, answer, hangup, hold, unhold, transfer, dtmf)',
    body: ConsoleCommandSchema,
    response: CallReplySchema,
  },
  testSlot: {
    method: 'POST',
    path: '/api/v1/slots/test',
    summary: 'Fire one slot (saved or not) once against a call',
    body: SlotTestSchema,
    response: RecordReplySchema,
  },
  replayDelivery: {
    method: 'POST',
    path: '/api/v1/deliveries/:id/replay',
    summary: 'Send a logged GET delivery again',
    params: z.object({
      id: z
        .string()
        .min(1, 'give the deliveryId of a logged attempt (GET /api/v1/deliveries, callhook deliveries)')
        .max(512, 'a deliveryId is at most 512 characters; copy it from GET /api/v1/deliveries (callhook deliveries)'),
    }),
    response: RecordReplySchema,
  },
  simulateIncoming: {
    method: 'POST',
    path: '/api/v1/simulator/incoming',
    summary: 'Ring a simulated line',
    body: IncomingBodySchema,
    response: CallReplySchema,
  },
  simulateAnswer: {
    method: 'POST',
    path: '/api/v1/simulator/answer',
    summary: 'Answer the ringing call on a simulated line',
    body: CallRefBodySchema,
    response: CallReplySchema,
  },
  simulateHangup: {
    method: 'POST',
    path: '/api/v1/simulator/hangup',
    summary: 'The remote party of a simulated line hangs up',
    body: CallRefBodySchema,
    response: CallReplySchema,
  },
  health: {
    method: 'GET',
    path: '/healthz',
    summary: "Each line's state; 200 when all are ready, 503 otherwise (no token)",
    response: HealthReplySchema,
    alsoAnswers: [503],
  },
} as const satisfies Record<string, RouteContract>;

export type ApiRoutes = typeof API;
export type RouteName = keyof ApiRoutes;

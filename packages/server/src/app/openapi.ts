import { INBOUND_ACTIONS, settingsJsonSchema, type EditionLimits } from '@callhook/core';
import { z } from 'zod';
import { CallBodySchema, CallReplySchema, CallsSchema, DeliveriesSchema, ErrorBodySchema, IncomingBodySchema, LinesSchema } from './api-schemas.js';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'output', unrepresentable: 'any' });
const json = (s: unknown) => ({ content: { 'application/json': { schema: s } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errors = { default: { description: 'error', ...json(ref('Error')) } };
const ok = (name: string, description = 'ok') => ({ 200: { description, ...json(ref(name)) }, ...errors });

/** The OpenAPI 3.1 document of the listener, generated from the zod schemas. */
export function openApiDocument(version: string, limits?: EditionLimits): Record<string, unknown> {
  const post = (summary: string, body: string) => ({ post: { summary, requestBody: json(ref(body)), responses: ok('CallReply') } });
  return {
    openapi: '3.1.0',
    info: { title: 'callhook listener', version, description: 'Inbound Action URLs and the control API. Token: Authorization: Bearer <inbound.token> or token=<…>.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, query: { type: 'apiKey', in: 'query', name: 'token' } },
      schemas: {
        Error: schema(ErrorBodySchema),
        CallReply: schema(CallReplySchema),
        Calls: schema(CallsSchema),
        Lines: schema(LinesSchema),
        Deliveries: schema(DeliveriesSchema),
        // What GET answers and PUT takes: secrets as {"set": true} (send it back to keep one).
        Settings: settingsJsonSchema(limits, { masked: true }),
        Incoming: schema(IncomingBodySchema),
        CallRef: schema(CallBodySchema),
      },
    },
    security: [{ bearer: [] }, { query: [] }],
    paths: {
      '/': {
        get: {
          summary: 'Inbound Action URL',
          parameters: [
            { name: 'action', in: 'query', required: true, schema: { enum: INBOUND_ACTIONS } },
            ...['target', 'call', 'digits', 'force', 'line'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
          ],
          responses: { ...ok('CallReply'), 204: { description: 'done (browser navigation)' } },
        },
      },
      '/command.htm': { get: { summary: 'Snom click-to-dial (?number=)', responses: ok('CallReply') } },
      '/servlet': { get: { summary: 'Yealink click-to-dial (?key=number=…)', responses: ok('CallReply') } },
      '/api/v1/calls': { get: { summary: 'Active and recent calls', responses: ok('Calls') } },
      '/api/v1/lines': { get: { summary: 'Every line with its type and status', responses: ok('Lines') } },
      '/api/v1/deliveries': { get: { summary: 'Delivery log, newest first', responses: ok('Deliveries') } },
      '/api/v1/events': { get: { summary: 'Server-sent events: call, delivery, line', responses: { 200: { description: 'text/event-stream' } } } },
      '/api/v1/settings': {
        get: { summary: 'Current settings; every secret that is set reads {"set": true}', responses: { 200: { description: 'ok' }, ...errors } },
        put: { summary: 'Validate, persist atomically and apply live; {"set": true} keeps a stored secret, a value replaces it, null/"" removes it', requestBody: json(ref('Settings')), responses: { 200: { description: 'ok' }, ...errors } },
      },
      '/api/v1/commands': { post: { summary: 'Carry out an InboundCommand (make_call, answer, hangup, hold, unhold, transfer, dtmf)', responses: ok('CallReply') } },
      '/api/v1/slots/test': { post: { summary: 'Fire one slot (saved or not) once against a call; answers { ok, record }', responses: { 200: { description: 'ok' }, ...errors } } },
      '/api/v1/deliveries/{id}/replay': { post: { summary: 'Send a logged GET delivery again; answers { ok, record }', responses: { 200: { description: 'ok' }, ...errors } } },
      '/console/': { get: { summary: 'The web console (when built; no token)', security: [], responses: { 200: { description: 'text/html' } } } },
      '/api/v1/simulator/incoming': post('Ring the simulated line', 'Incoming'),
      '/api/v1/simulator/answer': post('Answer the ringing call', 'CallRef'),
      '/api/v1/simulator/hangup': post('The remote party hangs up', 'CallRef'),
      '/api/v1/echo': { get: { summary: 'Demo receiver: records the request (no token)', security: [], responses: { 200: { description: 'ok' } } } },
      '/healthz': { get: { summary: 'Each line\'s state; 200 when all are ready (no token)', security: [], responses: { 200: { description: 'ready' }, 503: { description: 'not ready' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text/plain' } } } },
    },
  };
}

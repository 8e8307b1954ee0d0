import type { Clock } from '@callhook/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { redactQuery, redactUrl } from '../adapters/redact.js';
import type { EchoStore } from './echo-store.js';

const header = (request: FastifyRequest, name: string): string | null => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : null;
};

/**
 * The demo's receiver: `GET|POST /api/v1/echo` records the request (it needs no token, so slot URLs
 * stay free of secrets); `GET /api/v1/echo/log` shows what arrived. A `token` is redacted from both
 * the recorded URL and the recorded query. `at` is `clock`'s time.
 */
export function registerEchoRoutes(app: FastifyInstance, store: EchoStore, clock: Clock): void {
  const record = async (request: FastifyRequest) => {
    store.add({
      at: new Date(clock.now()).toISOString(),
      method: request.method,
      url: redactUrl(request.url),
      query: redactQuery(request.query),
      idempotencyKey: header(request, 'idempotency-key'),
      signature: header(request, 'x-callhook-signature'),
      body: request.body === undefined ? null : typeof request.body === 'string' ? request.body : JSON.stringify(request.body),
    });
    return { ok: true };
  };
  app.get('/api/v1/echo', { config: { tokenExempt: true } }, record);
  app.post('/api/v1/echo', { config: { tokenExempt: true } }, record);
  app.get('/api/v1/echo/log', async () => ({ ok: true, ...store.list() }));
}

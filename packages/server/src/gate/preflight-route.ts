import type { FastifyInstance } from 'fastify';
import { ServerError } from '../http/http-error.js';

/**
 * CORS and Private Network Access preflights, answered only for origins in `inbound.allowOrigins`
 * (echoing that origin, never `*`).
 */
export function registerPreflight(app: FastifyInstance): void {
  // Left out of the OpenAPI document: it answers preflights for every path.
  app.options('/*', { schema: { hide: true } }, async (request, reply) => {
    const origin = request.browser.corsOrigin;
    if (origin === null) {
      throw new ServerError('origin_not_allowed', `preflight from ${request.headers.origin ?? 'an unknown origin'} refused; add it to inbound.allowOrigins`);
    }
    void reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST, PUT')
      .header('access-control-allow-headers', 'Authorization, Content-Type')
      .header('access-control-max-age', '600')
      .header('vary', 'Origin, Access-Control-Request-Headers, Access-Control-Request-Private-Network');
    if (request.headers['access-control-request-private-network'] === 'true') {
      void reply.header('access-control-allow-private-network', 'true');
    }
    return reply.send();
  });
}

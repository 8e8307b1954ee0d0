import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The web console (@callhook/ui's built files) under /console/; the root path belongs to inbound
 * Action URLs. The static files hold no secret, so they skip the token (the API calls they make carry
 * it); the address and browser-origin rules still apply.
 */
export function registerConsoleRoute(app: FastifyInstance, consoleDir: string): void {
  void app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, tokenExempt: true };
    });
    await scope.register(fastifyStatic, { root: consoleDir, prefix: '/console/' });
    scope.get('/console', (_request, reply) => reply.redirect('/console/'));
  });
}

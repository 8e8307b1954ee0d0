import type { FastifyInstance } from 'fastify';
import { PAGE_CSP } from '../http/html-page.js';

/**
 * The web console (@callhook/ui's built files) under /console/; the root path belongs to inbound
 * Action URLs. The static files hold no secret, so they skip the token (the API calls they make carry
 * it); the address and browser-origin rules still apply. Every console answer carries the
 * Content-Security-Policy (no inline script), and `/favicon.ico`, which browsers ask for on their own,
 * answers 204 without the token instead of a 401 in the console's network log. @fastify/static is
 * loaded here, in the plugin, so a server without the console (`--no-console`) never loads it; a
 * failed load fails `app.ready()`, i.e. start-up, not a request.
 */
export function registerConsoleRoute(app: FastifyInstance, consoleDir: string): void {
  void app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, tokenExempt: true };
    });
    scope.addHook('onSend', async (_request, reply) => {
      void reply.header('content-security-policy', PAGE_CSP).header('x-content-type-options', 'nosniff');
    });
    const { default: fastifyStatic } = await import('@fastify/static');
    await scope.register(fastifyStatic, { root: consoleDir, prefix: '/console/' });
    scope.get('/console', (_request, reply) => reply.redirect('/console/'));
    scope.get('/favicon.ico', (_request, reply) => reply.code(204).header('cache-control', 'public, max-age=86400').send());
  });
}

import { silentLogger, type Logger } from '@callhook/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { redactUrl } from '../adapters/redact.js';
import { errorHandler, sendError } from '../http/error-handler.js';
import { PAGE_CSP } from '../http/html-page.js';
import { ServerError } from '../http/http-error.js';

/**
 * The web console (@callhook/ui's built files) under /console/; the root path belongs to inbound
 * Action URLs. The static files hold no secret, so they skip the token (the API calls they make carry
 * it); the address and browser-origin rules still apply. Every console answer carries the
 * Content-Security-Policy (no inline script), and `/favicon.ico`, which browsers ask for on their own,
 * answers 204 without the token instead of a 401 in the console's network log.
 *
 * The files are served by @fastify/static, loaded at the first console request (`consoleFiles`), not at
 * start: loading and registering it (and glob, mime, @fastify/send, which it loads) was ~11 % of the CPU
 * time of `serve --demo` until ready (apps/cli/README.md, "Start-up"). A failed load is logged and that
 * request answers 500; the next request tries again.
 */
export function registerConsoleRoute(app: FastifyInstance, consoleDir: string, logger: Logger = silentLogger): void {
  void app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, tokenExempt: true };
    });
    scope.addHook('onSend', async (_request, reply) => {
      securityHeaders(reply);
    });
    let files: Promise<FastifyInstance> | undefined;
    scope.addHook('onClose', async () => {
      await (await files?.catch(() => undefined))?.close();
    });
    // This scope's hooks (the security gate's included) have run; the answer is the file server's own.
    scope.route({
      method: ['GET', 'HEAD'],
      url: '/console/*',
      handler: async (request, reply) => {
        files ??= consoleFiles(consoleDir, logger).catch((error: unknown) => {
          files = undefined;
          throw error;
        });
        const server = await files;
        void reply.hijack();
        server.routing(request.raw, reply.raw);
      },
    });
    scope.get('/console', (_request, reply) => reply.redirect('/console/'));
    scope.get('/favicon.ico', (_request, reply) => reply.code(204).header('cache-control', 'public, max-age=86400').send());
  });
}

function securityHeaders(reply: FastifyReply): void {
  void reply.header('content-security-policy', PAGE_CSP).header('x-content-type-options', 'nosniff');
}

/**
 * A fastify instance that only serves `root` under /console/ with @fastify/static (its defaults:
 * index.html for a directory, ETag and Last-Modified, ranges, no dot files, its path checks), with the
 * console's headers and callhook's error answers. It never listens: the app hands it a request with
 * `routing(req, res)` once its own hooks have accepted it.
 */
async function consoleFiles(root: string, logger: Logger): Promise<FastifyInstance> {
  const [{ default: Fastify }, { default: fastifyStatic }] = await Promise.all([import('fastify'), import('@fastify/static')]);
  const files = Fastify({ logger: false, exposeHeadRoutes: false });
  files.addHook('onSend', async (_request, reply) => {
    securityHeaders(reply);
  });
  files.setErrorHandler(errorHandler(logger));
  files.setNotFoundHandler((request, reply) =>
    sendError(reply, new ServerError('not_found', `no file ${redactUrl(request.url.split('?')[0] ?? '')} in the web console`)),
  );
  await files.register(fastifyStatic, { root, prefix: '/console/' });
  await files.ready();
  return files;
}

import { MAX_REQUEST_TARGET, silentLogger, type Clock, type Engine, type EngineAddOn, type LoadedSettings, type Logger } from '@callhook/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { redactUrl } from '../adapters/redact.js';
import { systemClock } from '@callhook/node';
import { registerPreflight } from '../gate/preflight-route.js';
import { TokenBucketLimiter } from '../gate/rate-limiter.js';
import { installSecurityGate } from '../gate/security-gate.js';
import { errorHandler } from '../http/error-handler.js';
import { ServerError } from '../http/http-error.js';
import { memoryHistory, type History } from '../journal/history.js';
import { EngineMetrics } from '../metrics/engine-metrics.js';
import { EchoStore } from '../routes/echo-store.js';
import { EventStreams, type EventStreamLimits } from '../routes/event-streams.js';
import { registerCommandRoutes } from '../routes/command-routes.js';
import { registerConsoleRoute } from '../routes/console-route.js';
import { registerEchoRoutes } from '../routes/echo-routes.js';
import { registerEventsRoute } from '../routes/events-route.js';
import { registerHealthRoute } from '../routes/health-route.js';
import { registerHistoryRoutes } from '../routes/history-routes.js';
import { registerRecordingRoute } from '../routes/recording-route.js';
import { registerInboundRoutes } from '../routes/inbound-routes.js';
import { registerMetricsRoute } from '../routes/metrics-route.js';
import { registerSettingsRoutes } from '../routes/settings-routes.js';
import { registerLinesRoute, registerLineTypesRoute } from '../routes/lines-route.js';
import { headlessEdition } from '../lines/headless-edition.js';
import { editionLimits, type ServerEdition } from '../lines/server-edition.js';
import { registerOpenApi, registerOpenApiRoute } from './openapi.js';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { ZOD_COMPILERS, zodValidatorCompiler } from '../http/contract-route.js';
import { unsavedSettings, type SettingsStore } from '../settings/settings-file.js';

export interface AppDeps {
  engine: Engine;
  clock?: Clock;
  logger?: Logger;
  /** Call history and delivery log; defaults to memory. */
  history?: History;
  /**
   * The edition: its line plugins' routes are registered (the simulator's `/api/v1/simulator/*`), and
   * `PUT /api/v1/settings` validates against it and builds added lines with it. Default: headless.
   */
  edition?: ServerEdition;
  /** Where PUT /api/v1/settings persists; defaults to nowhere. */
  settingsStore?: SettingsStore;
  /** Called after PUT /api/v1/settings applied new settings. */
  onSettingsApplied?: (loaded: LoadedSettings) => void;
  echo?: EchoStore;
  /** The built web console (`consoleDir` from `@callhook/ui/dist-path`), served under /console/. */
  consoleDir?: string | null;
  /** Bounds on `/api/v1/events` subscribers (count, unread bytes each). */
  eventStreams?: EventStreamLimits;
  /** Where the lines write call recordings (`<dataDir>/recordings`); absent: no recordings are served. */
  recordingsDir?: string;
  /** Add-ons running beside the engine (e.g. MQTT); `/healthz` reports each one's connection. */
  addOns?: readonly EngineAddOn[];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's SSE subscribers: their bounds and `stats()`. */
    eventStreams: EventStreams;
  }
}

/**
 * Over-long request targets are routed by their path alone: the router would otherwise scan kilobytes
 * of a query that the gate refuses (it reads the original URL).
 */
function routedUrl(url: string): string {
  if (url.length <= MAX_REQUEST_TARGET) return url;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * The fastify app of the inbound listener: Action URLs, control API, live events, health and metrics,
 * all behind one security gate. It does not listen; see `startServer` (or use `app.inject()`).
 */
export function buildApp(deps: AppDeps): FastifyInstance {
  const { engine } = deps;
  const logger = deps.logger ?? silentLogger;
  const app = Fastify({
    logger: false,
    // HEAD must not dial: browsers and link checkers send it freely.
    exposeHeadRoutes: false,
    bodyLimit: 64 * 1024,
    return503OnClosing: true,
    rewriteUrl: (request) => routedUrl(request.url ?? '/'),
    schemaController: { compilersFactory: ZOD_COMPILERS },
  });
  const ownHistory = deps.history ? null : memoryHistory(engine);
  const history = deps.history ?? ownHistory!;
  const metrics = new EngineMetrics(engine, logger);

  app.setErrorHandler(errorHandler(logger));
  app.setNotFoundHandler((request) => {
    throw new ServerError(
      'not_found',
      `no route ${request.method} ${redactUrl(request.url.split('?')[0] ?? '')}; inbound Action URLs are GET /?action=<name>&…`,
    );
  });
  // One line per request, only when debug lines are written: the hook would cost every request otherwise.
  if (logger.enabled?.('debug') ?? true) {
    app.addHook('onResponse', async (request, reply) => {
      // Redacted here as well as by streamLogger: any Logger (the desktop's, a test's) may receive it.
      logger.log('debug', `${request.method} ${redactUrl(request.url)} ${reply.statusCode}`, { peer: request.raw.socket.remoteAddress });
    });
  }
  app.addHook('onClose', async () => {
    metrics.close();
    ownHistory?.close();
  });

  installSecurityGate(app, () => engine.settings.settings);
  // Contract routes validate requests and serialize answers with their zod schemas (src/contract).
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const edition = deps.edition ?? headlessEdition;
  registerOpenApi(app, '0.1.0', editionLimits(edition));
  const streams = new EventStreams(deps.eventStreams);
  app.decorate('eventStreams', streams);
  // After the OpenAPI plugin has loaded, so that it sees every route.
  app.after(() => {
    registerPreflight(app);
    // One limiter for every path that places a call, keyed by peer.
    const clock = deps.clock ?? systemClock;
    const callLimiter = new TokenBucketLimiter(clock);
    registerInboundRoutes(app, engine, callLimiter);
    registerHistoryRoutes(app, engine, history);
    registerRecordingRoute(app, deps.recordingsDir);
    registerCommandRoutes(app, engine, history, callLimiter, clock);
    if (deps.consoleDir) registerConsoleRoute(app, deps.consoleDir, logger);
    registerEventsRoute(app, engine, streams, clock);
    registerSettingsRoutes(app, engine, deps.settingsStore ?? unsavedSettings, deps.onSettingsApplied ?? (() => undefined), {
      edition,
      logger,
      clock: deps.clock,
    });
    registerLinesRoute(app, engine, edition);
    registerLineTypesRoute(app, edition);
    for (const plugin of edition.linePlugins) {
      plugin.routes?.(app, { engine, lines: () => engine.lines.entries().filter(({ line }) => line.kind === plugin.type) });
    }
    registerEchoRoutes(app, deps.echo ?? new EchoStore(), clock);
    registerHealthRoute(app, engine, history, deps.addOns);
    registerMetricsRoute(app, metrics);
    registerOpenApiRoute(app);
  });
  return app;
}

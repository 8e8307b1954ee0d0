import { join } from 'node:path';
import {
  CallhookError,
  Engine,
  fetchBlockedPortMessage,
  isFetchBlockedPort,
  loadLinePlugins,
  silentLogger,
  standardSinks,
  type BrowserOpener,
  type DispatcherOptions,
  type EngineAddOn,
  type LineEntry,
  type LoadedSettings,
  type Logger,
} from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import { desktopBrowser, hasDesktopSession, headlessBrowser } from '../adapters/browser-opener.js';
import { cryptoRandom, systemClock } from '@callhook/node';
import { buildApp } from '../app/build-app.js';
import { UndiciFetcher, type UndiciFetcherOptions } from '../delivery/undici-fetcher.js';
import { createJournal, journalSpecOf, type JournalSpec, type ServerJournal } from '../journal/journal-factory.js';
import { scheduleRetention } from '../journal/retention.js';
import { logOperations } from './operations-log.js';
import { ServerError } from '../http/http-error.js';
import { applyLoadedSettings } from '../console/settings-update.js';
import { EchoStore } from '../routes/echo-store.js';
import type { EventStreamLimits } from '../routes/event-streams.js';
import { unsavedSettings, type SettingsStore } from '../settings/settings-file.js';
import { createLines } from '../lines/create-lines.js';
import { headlessEdition } from '../lines/headless-edition.js';
import type { ServerEdition } from '../lines/server-edition.js';
import { demoSettings } from './demo-settings.js';
import { refuseExposedListener } from './exposure.js';
import type { ConnectionStats } from './connection-guard.js';
import { listenAll, type ListenerLimits, type Listeners } from './listeners.js';

export interface ServerOptions {
  /** Settings to run with; for `demo`, the embedded demo settings are used instead. */
  settings?: LoadedSettings;
  demo?: { token: string };
  settingsStore?: SettingsStore;
  /** Directory of the journal, or `:memory:` (the `--data` flag); read with the settings' `journal` through `journalSpecOf`. */
  dataDir: string;
  /** Another journal than the one `dataDir` names (see `JournalSpec`: the seam for other databases). */
  journal?: JournalSpec;
  /** Overrides `inbound.port`; 0 picks a free port. */
  port?: number;
  logger?: Logger;
  /** Defaults to the desktop's browser on a desktop session, else one that refuses with a reason. */
  browser?: BrowserOpener;
  /** The edition's registry: line plugins (and their routes) and slot limit. Default: `headlessEdition` (the simulator). */
  edition?: ServerEdition;
  /** Lines built by the caller instead of from the settings (tests). */
  lines?: LineEntry[];
  fetcher?: UndiciFetcherOptions;
  /** Serves the web console under /console/ (the CLI passes `consoleDir` from `@callhook/ui/dist-path`). */
  consoleDir?: string | null;
  /** The dispatcher's memory and concurrency bounds (core's `DispatcherOptions`); defaults suit production. */
  delivery?: Pick<DispatcherOptions, 'maxQueued' | 'maxQueuedPerOrigin' | 'concurrency' | 'concurrencyPerOrigin' | 'resumePageSize'>;
  /** Bounds on `/api/v1/events` subscribers; see `EventStreamLimits`. */
  eventStreams?: EventStreamLimits;
  /** Connection caps and HTTP timeouts of the listener; see `ListenerLimits`. */
  listener?: ListenerLimits;
}

export interface RunningServer {
  engine: Engine;
  app: FastifyInstance;
  journal: ServerJournal;
  echo: EchoStore;
  /** One `http://addr:port/` per bound address; empty when the listener is disabled. */
  urls: string[];
  port: number | null;
  /** Connection counts of the listener (open, peak, refused, evicted, idle-closed); null when disabled. */
  connections(): ConnectionStats | null;
  /**
   * Applies settings read again from the settings file (`callhook serve` on SIGHUP) as a console
   * save does (the same live line-change planning), without writing them back. `restartFields` names
   * what takes effect at the next start (the listener's enabled, port, listen; a busy line's fields its
   * plugin cannot take live); the rest applies now.
   */
  applySettings(loaded: LoadedSettings): Promise<{ restartRequired: boolean; restartFields: string[] }>;
  /** Stops every line and waits for deliveries, together bounded by `drainMs`, then closes listeners and storage. */
  stop(drainMs?: number): Promise<{ drained: boolean }>;
}

/** Says once that this server has no browser: a warning when a slot wants one, else a note at load. */
function warnWithoutBrowser(logger: Logger, headless: boolean): (loaded: LoadedSettings) => void {
  let warned = false;
  let noted = false;
  return (loaded) => {
    if (!headless || warned) return;
    if (loaded.settings.actionUrls.slots.some((s) => s.active && s.openInBrowser)) {
      warned = true;
      logger.log('warn', 'no web browser on this headless server (no DISPLAY or WAYLAND_DISPLAY): "open in browser" slots are logged as failed, not opened');
    } else if (!noted) {
      noted = true;
      logger.log('info', 'no web browser on this headless server: "open in browser" slots would be logged as failed');
    }
  };
}

/** Applies `journal.keepDays` to a journal that supports it, on the system clock; says so when it does not. */
function startRetention(journal: ServerJournal, engine: Engine, logger: Logger): { stop(): void } {
  if (!journal.removeOlderThan) {
    logger.log('warn', 'this journal does not remove old rows: journal.keepDays is not applied');
    return { stop: () => undefined };
  }
  const retainable = { removeOlderThan: journal.removeOlderThan.bind(journal) };
  return scheduleRetention({ journal: retainable, keepDays: () => engine.settings.settings.journal.keepDays, clock: systemClock, logger });
}

/** Composes an edition: its lines (built by its plugins), journal, sinks, engine, app, listeners. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? silentLogger;
  const requestedPort = options.port;
  // The override skips the settings' own check of inbound.port: the same rule, the same words.
  if (requestedPort !== undefined && isFetchBlockedPort(requestedPort)) throw new CallhookError('bad_request', fetchBlockedPortMessage(requestedPort));
  let settings = options.demo ? demoSettings(requestedPort || 61234, options.demo.token) : options.settings;
  if (!settings) throw new Error('startServer needs settings or demo');
  refuseExposedListener(settings.settings.inbound);
  const headless = options.browser === undefined && !hasDesktopSession();
  const browser = options.browser ?? (headless ? headlessBrowser : desktopBrowser);
  const warnBrowser = warnWithoutBrowser(logger, headless);
  warnBrowser(settings);

  const edition = options.edition ?? headlessEdition;
  // Lines name their files (call recordings) by the engine's call GUID; the engine is made after them.
  const made: { engine?: Engine } = {};
  const fileDataDir = options.dataDir === ':memory:' ? undefined : options.dataDir;
  // Plugins and add-ons that keep their code out of start-up load it now if the settings use them.
  await Promise.all([
    options.lines ? undefined : loadLinePlugins(edition.linePlugins, settings.settings.lines),
    ...(edition.addOns ?? []).map((plugin) => plugin.load?.(settings!)),
  ]);
  const lines =
    options.lines ??
    createLines(settings.settings.lines, edition, {
      clock: systemClock,
      logger,
      random: cryptoRandom,
      ...(fileDataDir !== undefined ? { dataDir: fileDataDir } : {}),
      callGuid: (lineId, lineCallId) => made.engine?.callOnLine(lineCallId, lineId)?.guid,
    });
  const journal = createJournal(options.journal ?? journalSpecOf(options.dataDir, settings.settings.journal), {
    onWriteError: (error) => logger.log('error', error.message),
    onBadEntry: ({ position, id, reason }) =>
      logger.log(
        'warn',
        `outbox entry ${JSON.stringify(id)} (row ${position}) quarantined: ${reason}; it stays in the database, is not sent, and is counted in /healthz`,
      ),
  });
  const fetcher = new UndiciFetcher(options.fetcher);
  const addOns = (edition.addOns ?? []).flatMap((plugin) => plugin.create({ settings: settings!, clock: systemClock, random: cryptoRandom, logger }) ?? []);
  if (settings.settings.mqtt && !addOns.some((addOn) => addOn.name === 'mqtt')) {
    logger.log('warn', 'the settings have "mqtt", but this edition has no MQTT add-on: nothing is published (run callhook serve for MQTT)');
  }
  const engine = new Engine({
    lines,
    clock: systemClock,
    random: cryptoRandom,
    sinks: [...standardSinks({ fetcher, browser }), ...(edition.sinks ?? []), ...addOns.flatMap((addOn) => addOn.sinks)],
    eventDeliveries: addOns.flatMap((addOn) => addOn.eventDeliveries),
    settings,
    journal,
    logger,
    maxQueuedDeliveries: options.delivery?.maxQueued,
    dispatcher: options.delivery,
  });
  made.engine = engine;
  const stopOperationsLog = logOperations(engine, logger);
  const echo = new EchoStore();
  const app = buildApp({
    engine,
    logger,
    history: journal,
    edition,
    settingsStore: options.settingsStore ?? unsavedSettings,
    onSettingsApplied: warnBrowser,
    echo,
    consoleDir: options.consoleDir ?? null,
    eventStreams: options.eventStreams,
    ...(fileDataDir !== undefined ? { recordingsDir: join(fileDataDir, 'recordings') } : {}),
    addOns,
  });

  try {
    // A bad --data path or a damaged file stops start-up here, in one line with the fix; a journal
    // holding nothing yet opens at its first write (`readyToServe` checks its path can be written).
    await (journal.readyToServe?.() ?? journal.opened());
  } catch (error) {
    await fetcher.close();
    await journal.close();
    throw new ServerError('internal_error', (error as Error).message);
  }
  await engine.start();
  const retention = startRetention(journal, engine, logger);
  let listeners: Listeners | null = null;
  try {
    for (const addOn of addOns) await addOn.start(engine);
    const { inbound } = settings.settings;
    if (inbound.enabled) {
      listeners = await listenAll(app, inbound.listen, requestedPort ?? inbound.port, options.listener);
      if (options.demo && listeners.port !== inbound.port) {
        settings = demoSettings(listeners.port, options.demo.token);
        engine.applySettings(settings);
      }
    } else {
      await app.ready();
    }
  } catch (error) {
    retention.stop();
    await engine.stop(0);
    await stopAddOns(addOns, logger);
    await fetcher.close();
    await journal.close();
    throw error;
  }

  let stopping: Promise<{ drained: boolean }> | null = null;
  return {
    engine,
    app,
    journal,
    echo,
    urls: listeners?.urls ?? [],
    port: listeners?.port ?? null,
    connections: () => listeners?.connections.stats() ?? null,
    async applySettings(loaded) {
      const { restartFields } = await applyLoadedSettings(engine, loaded, { edition, logger, clock: systemClock, random: cryptoRandom });
      warnBrowser(loaded);
      return { restartRequired: restartFields.length > 0, restartFields };
    },
    stop(drainMs = 5_000) {
      stopping ??= (async () => {
        // Drains up to drainMs, then halts the dispatcher: retries waiting out a back-off and
        // requests still in flight stay in the outbox for the next start, and hold no timer.
        retention.stop();
        const drained = await engine.stop(drainMs);
        await stopAddOns(addOns, logger); // after the drain, which may still publish through them
        await listeners?.close();
        await app.close();
        await fetcher.destroy(); // nothing may go out after the drain bound
        await journal.close();
        stopOperationsLog();
        return { drained };
      })();
      return stopping;
    },
  };
}

/** Stops each add-on; one that fails to stop is logged and does not keep the others running. */
async function stopAddOns(addOns: readonly EngineAddOn[], logger: Logger): Promise<void> {
  for (const addOn of addOns) {
    try {
      await addOn.stop();
    } catch (error) {
      logger.log('warn', `the ${addOn.name} add-on did not stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

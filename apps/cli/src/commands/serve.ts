import type { EditionLimits, LoadedSettings, Logger, LogLevel } from '@callhook/core';
import { accessSync, constants, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from '../cli-error.js';
import { AFTER_READY_LOAD_MS, cliEdition, loadAfterReady } from '../edition.js';
import { cliInvocation } from '../invocation.js';
import type { Output } from '../output.js';
import { announceReady } from '../ready-event.js';

export interface ServeOptions {
  config?: string;
  /** commander's --no-console sets this false. */
  console?: boolean;
  data?: string;
  demo?: boolean;
  port?: number;
  drainMs: number;
  verbose?: boolean;
  logJson?: boolean;
  /** PEM files of extra CAs trusted for https receivers (added to the default roots). */
  ca?: string[];
  /**
   * Deliveries kept waiting in memory (core's `maxQueued`; the rest stay parked in the outbox).
   * Hidden `--max-queued` / `CALLHOOK_MAX_QUEUED`: for tests and operators, the default suits production.
   */
  maxQueued?: number;
  /**
   * ms after ready until {@link loadAfterReady} (default {@link AFTER_READY_LOAD_MS}). Hidden
   * `--after-ready-load-ms` / `CALLHOOK_AFTER_READY_LOAD_MS`: for tests and benches of a first call
   * that finds the SIP line's media half not loaded yet.
   */
  afterReadyLoadMs?: number;
}

/** How long the process may stay busy after `stopped` (a line that did not stop within the bound) before it exits anyway. */
const EXIT_GRACE_MS = 1_000;

/**
 * `callhook serve`: runs until SIGINT/SIGTERM, then stops the line and drains deliveries within
 * `--drain-ms` and exits 0 (what did not go out stays in the outbox for the next start). SIGHUP reads
 * the settings file again and applies it live; an invalid file is refused in one log line and the
 * settings in use are kept. stdout carries exactly one `listening on <url>` line per bound address;
 * everything else goes to stderr.
 */
export async function serve(options: ServeOptions, out: Output): Promise<void> {
  if (!options.config && !options.demo) {
    throw new CliError('usage', 'serve needs --config FILE (make one with: callhook config init --out FILE) or --demo');
  }
  // Handlers go in first: a SIGTERM that comes while starting (or right after the ready lines)
  // must still drain and exit 0, not kill the process.
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  // SIGHUP would end the process by default; here it reloads the settings (once running).
  let reload: (() => void) | null = null;
  let hangupWhileStarting = false;
  process.on('SIGHUP', () => (reload ? reload() : (hangupWhileStarting = true)));
  // Loaded lazily so `callhook --version` and client commands start fast.
  const server = await import('@callhook/server');
  const level: LogLevel = options.verbose ? 'debug' : 'info';
  const logger = server.streamLogger({ level, json: options.logJson });
  const edition = await cliEdition();
  const store = options.config ? new server.SettingsFile(options.config) : null;
  const settings = store?.load(server.editionLimits(edition));
  const demoToken = options.demo ? server.generateToken() : null;
  const dataDir = options.data ?? (options.demo ? `${server.defaultDataDir()}/demo` : server.defaultDataDir());

  const ca = options.ca?.map(readCa);
  const consoleDir = options.console === false ? null : await builtConsole();
  if (dataDir !== ':memory:') prepareDataDir(dataDir, options.data !== undefined);
  const running = await startOrExplain(() =>
    server.startServer({
      consoleDir,
      settings,
      edition,
      demo: demoToken ? { token: demoToken } : undefined,
      settingsStore: store ?? undefined,
      dataDir,
      port: options.port,
      logger,
      fetcher: ca ? { ca } : undefined,
      delivery: options.maxQueued === undefined ? undefined : { maxQueued: options.maxQueued },
    }),
  );
  for (const url of running.urls) process.stdout.write(`listening on ${url}\n`);
  announceReady();
  const token = demoToken ?? settings?.settings.inbound.token ?? null;
  const consoleUrl = consoleDir && running.urls[0] ? consoleAddress(running.urls[0], token) : null;
  if (consoleUrl && !demoToken) {
    // The token itself is never logged.
    const hint = token ? ' (append #token=<inbound.token> to open it signed in)' : '';
    logger.log('info', `web console: ${consoleAddress(running.urls[0]!, null)}${hint}`);
  }
  if (running.urls.length === 0) logger.log('warn', 'the inbound listener is off (inbound.enabled is false): nothing is listening');
  if (demoToken) {
    out.info(
      out.json
        ? JSON.stringify({ demo: true, token: demoToken, urls: running.urls, console: consoleUrl })
        : demoBanner(running.urls, demoToken, consoleUrl, out),
    );
  }

  reload = store
    ? () => void reloadSettings(store, server.editionLimits(edition), running, logger)
    : () => logger.log('info', 'SIGHUP: nothing to reload (--demo has no settings file)');
  if (hangupWhileStarting) reload();
  const afterReady = setTimeout(
    () =>
      loadAfterReady().catch((error: Error) =>
        logger.log('warn', 'could not load the call media code after start: the first call tries again', { error: error.message }),
      ),
    options.afterReadyLoadMs ?? AFTER_READY_LOAD_MS,
  );

  // With the listener off nothing else holds the event loop open until a signal comes.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const signal = await stopSignal;
  clearTimeout(afterReady);
  reload = () => logger.log('info', 'SIGHUP while stopping: ignored');
  logger.log('info', `${signal}: stopping the line and draining deliveries (up to ${options.drainMs} ms)`);
  clearInterval(keepAlive);
  const { drained } = await running.stop(options.drainMs);
  const left = drained ? 0 : running.engine.dispatcher.stats();
  if (!drained) logger.log('warn', 'deliveries still pending stay in the outbox and go out at the next start', { left });
  logger.log('info', 'stopped');
  // Everything of ours is closed and the journal is written; a line that did not stop within the
  // bound may still hold a socket open for a while: it must not hold up the exit.
  setTimeout(() => {
    logger.log('warn', `still busy ${EXIT_GRACE_MS} ms after stopping (a line that did not stop in time): exiting now`);
    process.exit();
  }, EXIT_GRACE_MS).unref();
}

/**
 * The server started, or the ordinary reasons it could not as one line with the fix (exit 7): the
 * port taken (another `callhook serve`?), an address not on this host, a port below 1024 without the
 * right. Anything else propagates as it is.
 */
async function startOrExplain<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const { code, address, port } = error as NodeJS.ErrnoException & { address?: string; port?: number };
    const where = `port ${port} on ${address}`;
    if (code === 'EADDRINUSE') throw new CliError('port_in_use', `${where} is in use — another callhook serve? stop it or pass --port`);
    if (code === 'EADDRNOTAVAIL')
      throw new CliError('address_unavailable', `${address} is not an address of this host; fix inbound.listen in the settings file`);
    if (code === 'EACCES') throw new CliError('port_in_use', `${where} needs privileges this process does not have; pass --port 1024 or above`);
    throw error;
  }
}

/**
 * Makes sure the journal directory exists and can be written, or says in one line what is wrong with
 * the path and what to do (exit 7). Created one level at a time, not with `recursive`, which never
 * returns under /proc.
 */
function prepareDataDir(dir: string, fromFlag: boolean): void {
  const name = fromFlag ? `--data ${dir}` : `the data directory ${dir}`;
  const fix = 'pass --data with a directory you can write to (or --data :memory: to keep nothing)';
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(at).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw new CliError('data_dir_unusable', `${name}: a part of the path is a file, not a directory; ${fix}`);
      if (code !== 'ENOENT' || dirname(at) === at) throw new CliError('data_dir_unusable', `${name}: cannot look at ${at} (${code}); ${fix}`);
      missing.unshift(at);
      at = dirname(at);
      continue;
    }
    if (!isDirectory) throw new CliError('data_dir_unusable', `${name}: ${at} is a file, not a directory; ${fix}`);
    break;
  }
  for (const path of missing) {
    try {
      mkdirSync(path, { mode: 0o700 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new CliError('data_dir_unusable', `${name}: cannot create ${path} (${code}); ${fix}`);
    }
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new CliError('data_dir_unusable', `${name} is not writable by this user; ${fix}`);
  }
}

/**
 * SIGHUP: the settings file read again (with the edition's rules) and applied live through the same
 * line-change planning as a console save; a bad file is refused in one line and the settings in use stay.
 */
async function reloadSettings(
  store: { path: string; load(limits?: EditionLimits): LoadedSettings },
  limits: EditionLimits,
  running: { applySettings(loaded: LoadedSettings): Promise<{ restartRequired: boolean; restartFields: string[] }> },
  logger: Logger,
): Promise<void> {
  let loaded: LoadedSettings;
  try {
    loaded = store.load(limits);
  } catch (error) {
    logger.log('error', `settings not reloaded from ${store.path}: ${oneLine(error)}; keeping the settings in use`);
    return;
  }
  try {
    const { restartFields } = await running.applySettings(loaded);
    logger.log('info', `settings reloaded from ${store.path}`);
    if (restartFields.length > 0)
      logger.log(
        'warn',
        `${restartFields.join(', ')} changed: that part takes effect at the next start (the listener's address, port and switch; a line's fields its plugin cannot take while it has a call)`,
      );
  } catch (error) {
    logger.log('error', `settings not fully applied from ${store.path}: ${oneLine(error)}`);
  }
}

/** A settings error's fields and fixes on one line (a SettingsError lists one per line). */
function oneLine(error: unknown): string {
  const issues = (error as { issues?: { path: string; message: string }[] }).issues;
  if (Array.isArray(issues) && issues.length > 0) {
    return issues
      .map(({ path, message }) => {
        // The first line only: a template error's excerpt and caret below it cannot stand in one line,
        // and the first line already names the offset. The path once, when the message does not start with it.
        const first = message.split('\n', 1)[0]!;
        return path && !first.startsWith(path) ? `${path}: ${first}` : first;
      })
      .join('; ');
  }
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, '; ');
}

/** The web console from @callhook/ui when it has been built; the server runs without it otherwise. */
async function builtConsole(): Promise<string | null> {
  try {
    const { consoleDir } = await import('@callhook/ui/dist-path');
    const { existsSync } = await import('node:fs');
    return existsSync(`${consoleDir}/index.html`) ? consoleDir : null;
  } catch {
    return null;
  }
}

/** The console opens already signed in with `#token=…` (the console moves it to sessionStorage and drops it from the address). */
export function consoleAddress(listenerUrl: string, token: string | null): string {
  return `${listenerUrl}console/${token ? `#token=${encodeURIComponent(token)}` : ''}`;
}

function readCa(file: string): string {
  try {
    const pem = readFileSync(file, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no "-----BEGIN CERTIFICATE-----" block in it');
    return pem;
  } catch (error) {
    throw new CliError('usage', `--ca ${file}: ${(error as Error).message}; pass a PEM file with the CA certificate of your https receiver`);
  }
}

function demoBanner(urls: string[], token: string, consoleUrl: string | null, out: Output): string {
  const b = (s: string) => out.paint('bold', s);
  const cli = cliInvocation();
  const lines = [
    '',
    b('callhook demo') + ' — simulated line, every inbound action on, slots post to the built-in echo receiver',
    `token: ${token}`,
    '',
    ...(consoleUrl ? ['Web console (opens signed in):', `  ${consoleUrl}`, ''] : []),
    'Try (click or curl):',
  ];
  // One number per address: the same number twice within duplicateWindowMs is refused (409), and
  // users follow these in order.
  urls.forEach((url, i) => lines.push(`  ${url}?action=make_call&target=030123456${7 + i}&token=${token}`));
  const first = urls[0] ?? 'http://127.0.0.1:61234/';
  lines.push(
    `  ${first}?action=hangup&token=${token}`,
    '',
    'Ring the phone and watch the events:',
    `  export CALLHOOK_URL=${first.replace(/\/$/, '')} CALLHOOK_TOKEN=${token}`,
    `  ${cli} tail`,
    `  ${cli} simulate incoming --from 420 --name "Michael D785"`,
    `  ${cli} simulate answer && ${cli} simulate hangup`,
    `  curl -H "Authorization: Bearer ${token}" ${first}api/v1/echo/log`,
    '',
  );
  return lines.join('\n');
}

import { Engine, loadSettings, SimulatedLine, type SettingsInput } from '@callhook/core';
import { buildApp, cryptoRandom, listenAll, memoryHistory, systemClock, UndiciFetcher, type Listeners } from '@callhook/server';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ConsoleServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  engine: Engine;
  line: SimulatedLine;
  stop(): Promise<void>;
}

/** The same directory `@callhook/ui/dist-path` exports (checked in test/dist-path.test.ts). */
export const consoleDir = fileURLToPath(new URL('../../../dist/console/', import.meta.url));

const refuseBrowser = { open: async () => Promise.reject(new Error('no browser in tests')) };

/** The server package's real app on the simulated line, serving the built console under /console/. */
export async function startConsoleServer(settings: SettingsInput): Promise<ConsoleServer> {
  if (!existsSync(join(consoleDir, 'index.html'))) {
    throw new Error(`the console is not built (${consoleDir} has no index.html): run pnpm --filter @callhook/ui build`);
  }
  const loaded = loadSettings(settings);
  const line = new SimulatedLine({ clock: systemClock, localParty: 'sip:303@callhook.invalid', localName: 'Michael', answerAfterMs: null });
  const fetcher = new UndiciFetcher();
  const engine = new Engine({ line, clock: systemClock, random: cryptoRandom, fetcher, browser: refuseBrowser, settings: loaded });
  const history = memoryHistory(engine);
  const app = buildApp({ engine, history, simulator: line, consoleDir });
  await engine.start();
  let listeners: Listeners;
  try {
    listeners = await listenAll(app, ['127.0.0.1'], 0);
  } catch (error) {
    await engine.stop(0);
    throw error;
  }
  return {
    origin: `http://127.0.0.1:${listeners.port}`,
    engine,
    line,
    async stop() {
      await engine.stop(1_000);
      await listeners.close();
      await app.close();
      history.close();
      await fetcher.close();
    },
  };
}

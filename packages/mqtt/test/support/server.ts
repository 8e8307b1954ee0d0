import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, type Logger, type SimulatedLine } from '@callhook/core';
import { editionLimits, simulatorLinePlugin, startServer, type RunningServer, type ServerEdition, type ServerOptions } from '@callhook/server';
import { mqttAddOn } from '../../src/index.js';

/** An edition with simulator lines and the MQTT add-on (reconnecting quickly, as tests restart brokers). */
export const testEdition: ServerEdition = { linePlugins: [simulatorLinePlugin], addOns: [mqttAddOn({ reconnectPeriodMs: 200 })] };

/** Log lines kept for assertions (refusals are logged). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (level, message) => void lines.push(`${level} ${message}`) };
}

export interface TestServer {
  server: RunningServer;
  logger: ReturnType<typeof memoryLogger>;
  line(id: string): SimulatedLine;
  /** Stops the server and removes its data directory. */
  close(): Promise<void>;
}

/** Starts an in-process server (SQLite journal in a temp dir, or `dataDir` to share one across restarts) with `settings`. */
export async function startTestServer(settings: Record<string, unknown>, dataDir?: string, delivery?: ServerOptions['delivery']): Promise<TestServer> {
  const logger = memoryLogger();
  const own = dataDir === undefined;
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'callhook-mqtt-data-'));
  const server = await startServer({
    settings: loadSettings(settings, editionLimits(testEdition)),
    edition: testEdition,
    dataDir: dir,
    logger,
    consoleDir: null,
    delivery,
  });
  return {
    server,
    logger,
    line: (id) => server.engine.lines.require(id) as unknown as SimulatedLine,
    async close() {
      await server.stop(1_000);
      if (own) rmSync(dir, { recursive: true, force: true });
    },
  };
}

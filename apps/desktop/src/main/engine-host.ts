import { maskSettings, SettingsSchema, type BrowserOpener, type EngineEvent, type LoadedSettings, type Logger } from '@callhook/core';
import {
  createLine, findLoggedDelivery, replayDelivery, SettingsFile, startServer, systemClock, testSlot, updateSettings, type RunningServer,
} from '@callhook/server';
import { createSipLine } from '@callhook/sip';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsoleBackend } from './ipc-handlers.js';

export interface EngineHost {
  backend: ConsoleBackend;
  server: RunningServer;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  stop(): Promise<void>;
}

export interface EngineHostOptions {
  userDataDir: string;
  browser: BrowserOpener;
  logger: Logger;
}

function loadOrCreate(file: SettingsFile): LoadedSettings {
  if (!existsSync(file.path)) file.save(SettingsSchema.parse({}));
  return file.load();
}

/**
 * Composes the desktop engine: settings in the user data directory, the line they name (SIP user agent
 * or simulator), and the server's engine, journal and inbound listener.
 */
export async function startEngineHost(options: EngineHostOptions): Promise<EngineHost> {
  const file = new SettingsFile(join(options.userDataDir, 'settings.json'));
  const settings = loadOrCreate(file);
  const lineSettings = settings.settings.line;
  const line = lineSettings.type === 'sip' ? createSipLine(lineSettings, { logger: options.logger }) : createLine(lineSettings, systemClock);
  const server = await startServer({ settings, settingsStore: file, dataDir: options.userDataDir, line, browser: options.browser, logger: options.logger });
  const { engine, journal } = server;

  const backend: ConsoleBackend = {
    // The renderer is a web page: it sees secrets as {"set": true}, like the control API's clients.
    getSettings: () => maskSettings(engine.settings.settings),
    saveSettings(input) {
      const { masked, restartRequired } = updateSettings(engine, file, input);
      return { settings: masked, restartRequired };
    },
    getCalls: async () => ({ active: engine.activeCalls(), recent: await journal.recentCalls(100) }),
    getDeliveries: () => journal.recentDeliveries(200),
    getLineStatus: () => engine.line.status(),
    execute: async (command) => (await engine.execute(command)).call,
    testSlot: (test) => testSlot(engine.dispatcher, test, Date.now(), engine.settings.settings),
    async replayDelivery(deliveryId) {
      const record = await findLoggedDelivery(journal, deliveryId);
      return replayDelivery(engine.dispatcher, record, engine.settings.settings.actionUrls.slots[record.slot], Date.now());
    },
  };

  return {
    backend,
    server,
    onEvent: (listener) => engine.on(listener),
    stop: async () => {
      await server.stop(3_000);
    },
  };
}

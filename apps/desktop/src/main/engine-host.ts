import { createSettingsSchema, maskSettings, type BrowserOpener, type EngineEvent, type LoadedSettings, type Logger } from '@callhook/core';
import {
  editionLimits,
  findLoggedDelivery,
  lineTypesOf,
  listLines,
  replayDelivery,
  SettingsFile,
  startServer,
  testSlot,
  updateSettings,
  type LineTypeInfo,
  type RunningServer,
} from '@callhook/server';
import { lineSetupReply } from '@callhook/phones';
import { systemClock } from '@callhook/node';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { audioOfLine, type CallAudioPort } from './call-audio-port.js';
import { desktopEdition } from './edition.js';
import type { ConsoleBackend } from './ipc-handlers.js';

export interface EngineHost {
  backend: ConsoleBackend;
  server: RunningServer;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  /** The audio of active call `guid` from its line (`audioOf`); null when the line carries none or the call is not active. */
  callAudio(guid: string): CallAudioPort | null;
  stop(): Promise<void>;
}

export interface EngineHostOptions {
  userDataDir: string;
  browser: BrowserOpener;
  logger: Logger;
}

function loadOrCreate(file: SettingsFile): LoadedSettings {
  const limits = editionLimits(desktopEdition);
  if (!existsSync(file.path)) file.save(createSettingsSchema(limits).parse({}));
  return file.load(limits);
}

/**
 * Composes the desktop engine: settings in the user data directory, the lines they name (built by the
 * desktop edition's plugins), and the server's engine, journal and inbound listener.
 */
export async function startEngineHost(options: EngineHostOptions): Promise<EngineHost> {
  const file = new SettingsFile(join(options.userDataDir, 'settings.json'));
  const settings = loadOrCreate(file);
  const server = await startServer({
    settings,
    settingsStore: file,
    dataDir: options.userDataDir,
    edition: desktopEdition,
    browser: options.browser,
    logger: options.logger,
  });
  const { engine, journal } = server;
  // Converted once, on the first ask (as the server's GET /api/v1/line-types does).
  let lineTypes: LineTypeInfo[] | null = null;

  const backend: ConsoleBackend = {
    // The renderer is a web page: it sees secrets as {"set": true}, like the control API's clients.
    getSettings: () => maskSettings(engine.settings.settings, editionLimits(desktopEdition)),
    async saveSettings(input) {
      const { masked, restartRequired, restartFields } = await updateSettings(engine, file, input, { edition: desktopEdition, logger: options.logger });
      return { settings: masked, restartRequired, restartFields };
    },
    getCalls: async () => ({ active: engine.activeCalls(), recent: await journal.recentCalls(100) }),
    getDeliveries: () => journal.recentDeliveries(200),
    getLineStatus: () => engine.lines.first().line.status(),
    getLineTypes: () => (lineTypes ??= lineTypesOf(desktopEdition)),
    getLines: () => listLines(engine, desktopEdition),
    getLineSetup(lineId) {
      const { line, vendor, text } = lineSetupReply(engine.lines.entries(), lineId);
      return { line, vendor, text };
    },
    execute: async (command) => (await engine.execute(command)).call,
    testSlot: (test) => testSlot(engine.dispatcher, test, systemClock.now(), engine.settings.settings),
    async replayDelivery(deliveryId) {
      const record = await findLoggedDelivery(journal, deliveryId);
      return replayDelivery(engine.dispatcher, record, engine.settings.settings.actionUrls.slots[record.slot], systemClock.now());
    },
  };

  return {
    backend,
    server,
    onEvent: (listener) => engine.on(listener),
    callAudio(guid) {
      const lineCall = engine.lineCallOf(guid);
      const line = lineCall && engine.lines.get(lineCall.lineId);
      return line ? audioOfLine(line, lineCall.lineCallId) : null;
    },
    stop: async () => {
      await server.stop(3_000);
    },
  };
}

import { loadSettings, type Engine, type LoadedSettings, type Settings } from '@callhook/core';
import type { SettingsStore } from '../settings/settings-file.js';

/** The listener binds its address and port once; changing them (or the line type) takes a restart. */
export function needsRestart(before: Settings, after: Settings): boolean {
  const a = before.inbound;
  const b = after.inbound;
  return a.enabled !== b.enabled || a.port !== b.port || a.listen.join() !== b.listen.join() || before.line.type !== after.line.type;
}

export interface SettingsUpdate {
  loaded: LoadedSettings;
  restartRequired: boolean;
}

/**
 * A new settings document from the console (HTTP or IPC): validated by core (a SettingsError names
 * every bad field), persisted atomically, then applied live.
 */
export function updateSettings(engine: Engine, store: SettingsStore, input: unknown): SettingsUpdate {
  const loaded = loadSettings(input);
  const restartRequired = needsRestart(engine.settings.settings, loaded.settings);
  store.save(loaded.settings);
  engine.applySettings(loaded);
  return { loaded, restartRequired };
}

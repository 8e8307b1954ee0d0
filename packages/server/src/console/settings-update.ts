import { CallhookError, loadSettings, maskSettings, restoreSecrets, type Engine, type LoadedSettings, type MaskedSettings, type Settings } from '@callhook/core';
import { exposureProblem } from '../runtime/exposure.js';
import type { SettingsStore } from '../settings/settings-file.js';

/** The listener binds its address and port once; changing them (or the line type) takes a restart. */
export function needsRestart(before: Settings, after: Settings): boolean {
  const a = before.inbound;
  const b = after.inbound;
  return a.enabled !== b.enabled || a.port !== b.port || a.listen.join() !== b.listen.join() || before.line.type !== after.line.type;
}

export interface SettingsUpdate {
  loaded: LoadedSettings;
  /** The applied settings as the console may see them (secrets as `{"set": true}`). */
  masked: MaskedSettings;
  restartRequired: boolean;
}

/**
 * A new settings document from the console (HTTP or IPC): each `{"set": true}` is replaced by the
 * stored secret it stands for (core's `restoreSecrets`), the result validated by core (a SettingsError
 * names every bad field), persisted atomically with the real values, then applied live. A document that would leave a
 * non-loopback listener (bound now or at the next start) without a token is refused
 * (`invalid_settings`), as start-up refuses it.
 */
export function updateSettings(engine: Engine, store: SettingsStore, input: unknown): SettingsUpdate {
  const before = engine.settings.settings;
  const loaded = loadSettings(restoreSecrets(input, before));
  if (loaded.settings.inbound.enabled || before.inbound.enabled) {
    const listen = [...(before.inbound.enabled ? before.inbound.listen : []), ...(loaded.settings.inbound.enabled ? loaded.settings.inbound.listen : [])];
    const problem = exposureProblem({ token: loaded.settings.inbound.token, listen });
    if (problem !== null) throw new CallhookError('invalid_settings', problem, { path: 'inbound.token' });
  }
  const restartRequired = needsRestart(before, loaded.settings);
  store.save(loaded.settings);
  engine.applySettings(loaded);
  return { loaded, masked: maskSettings(loaded.settings), restartRequired };
}

import { loadSettings, type Engine, type LoadedSettings, type Settings } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import type { SettingsStore } from '../settings/settings-file.js';

/** The listener's own address settings only take effect when it binds again. */
function needsRestart(before: Settings, after: Settings): boolean {
  const a = before.inbound;
  const b = after.inbound;
  return a.enabled !== b.enabled || a.port !== b.port || a.listen.join() !== b.listen.join() || before.line.type !== after.line.type;
}

/**
 * `GET /api/v1/settings` and `PUT /api/v1/settings`: the new document is validated by core, written
 * atomically, then applied live (slots, actions, token, allow-lists, dial policy).
 */
export function registerSettingsRoutes(
  app: FastifyInstance,
  engine: Engine,
  store: SettingsStore,
  onApplied: (loaded: LoadedSettings) => void,
): void {
  app.get('/api/v1/settings', async () => ({ ok: true, settings: engine.settings.settings, file: store.path }));

  app.put('/api/v1/settings', { bodyLimit: 256 * 1024 }, async (request) => {
    const loaded = loadSettings(request.body);
    const restartRequired = needsRestart(engine.settings.settings, loaded.settings);
    store.save(loaded.settings);
    engine.applySettings(loaded);
    onApplied(loaded);
    return { ok: true, settings: loaded.settings, persisted: store.path !== null, restartRequired };
  });
}

import { maskSettings, type Engine, type LoadedSettings } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import { updateSettings } from '../console/settings-update.js';
import type { SettingsStore } from '../settings/settings-file.js';

/**
 * `GET /api/v1/settings` and `PUT /api/v1/settings`: the new document is validated by core, written
 * atomically, then applied live (slots, actions, token, allow-lists, dial policy). Secrets are
 * write-only: both answer them as `{"set": true}`, and a PUT that sends the marker back keeps them.
 */
export function registerSettingsRoutes(
  app: FastifyInstance,
  engine: Engine,
  store: SettingsStore,
  onApplied: (loaded: LoadedSettings) => void,
): void {
  app.get('/api/v1/settings', async () => ({ ok: true, settings: maskSettings(engine.settings.settings), file: store.path }));

  app.put('/api/v1/settings', { bodyLimit: 256 * 1024 }, async (request) => {
    const { loaded, masked, restartRequired } = updateSettings(engine, store, request.body);
    onApplied(loaded);
    return { ok: true, settings: masked, persisted: store.path !== null, restartRequired };
  });
}

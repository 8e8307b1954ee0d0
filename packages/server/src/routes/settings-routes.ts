import type { Engine, LoadedSettings } from '@callhook/core';
import type { SettingsUpdateContext } from '../console/settings-update.js';
import type { FastifyInstance } from 'fastify';
import { updateSettings } from '../console/settings-update.js';
import type { SettingsStore } from '../settings/settings-file.js';

/**
 * `GET /api/v1/settings` and `PUT /api/v1/settings`: the new document is validated by core, written
 * atomically, then applied live (slots, actions, token, allow-lists, dial policy, lines as their
 * plugins allow); `restartFields` names what waits for a restart.
 */
export function registerSettingsRoutes(
  app: FastifyInstance,
  engine: Engine,
  store: SettingsStore,
  onApplied: (loaded: LoadedSettings) => void,
  context: SettingsUpdateContext = {},
): void {
  app.get('/api/v1/settings', async () => ({ ok: true, settings: engine.settings.settings, file: store.path }));

  app.put('/api/v1/settings', { bodyLimit: 256 * 1024 }, async (request) => {
    const { loaded, restartRequired, restartFields } = await updateSettings(engine, store, request.body, context);
    onApplied(loaded);
    return { ok: true, settings: loaded.settings, persisted: store.path !== null, restartRequired, restartFields };
  });
}

import { maskSettings, type Engine, type LoadedSettings } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API } from '../contract/routes.js';
import type { SettingsUpdateContext } from '../console/settings-update.js';
import { updateSettings } from '../console/settings-update.js';
import { contractSchema } from '../http/contract-route.js';
import { headlessEdition } from '../lines/headless-edition.js';
import { editionLimits } from '../lines/server-edition.js';
import type { SettingsStore } from '../settings/settings-file.js';

/**
 * `GET /api/v1/settings` and `PUT /api/v1/settings`: the new document is validated by core, written
 * atomically, then applied live (slots, actions, token, allow-lists, dial policy, lines as their
 * plugins allow); `restartFields` names what waits for a restart. Secrets are write-only: both answer
 * them as `{"set": true}` (the lines' secret fields as their plugins declare), and a PUT that sends
 * the marker back keeps them.
 */
export function registerSettingsRoutes(
  app: FastifyInstance,
  engine: Engine,
  store: SettingsStore,
  onApplied: (loaded: LoadedSettings) => void,
  context: SettingsUpdateContext = {},
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const limits = editionLimits(context.edition ?? headlessEdition);
  api.get(API.getSettings.path, { schema: contractSchema(API.getSettings) }, async () => ({
    ok: true as const,
    settings: maskSettings(engine.settings.settings, limits),
    file: store.path,
  }));

  api.put(API.saveSettings.path, { bodyLimit: 256 * 1024, schema: contractSchema(API.saveSettings) }, async (request) => {
    const { loaded, masked, restartRequired, restartFields } = await updateSettings(engine, store, request.body, context);
    onApplied(loaded);
    return { ok: true as const, settings: masked, persisted: store.path !== null, restartRequired, restartFields };
  });
}

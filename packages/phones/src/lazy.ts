/**
 * `@callhook/phones/lazy`: the desk-phone line plugin without its drivers. Settings schema, secrets and
 * the setup route are here; the line, its vendor drivers and CSTA load (`load()`) only when a desk-phone
 * line is configured (or the setup route is first asked), so a server without one starts without them.
 */
import type { LinePlugin } from '@callhook/core';
import type * as DeskPhonePlugin from './deskphone-line-plugin.js';
import { DeskPhoneLineSchema, type DeskPhoneSettings } from './settings.js';
import { deskphoneSecrets, SETUP_ROUTE, type SetupRouteHost } from './setup-route.js';

type DeskPhonePluginModule = typeof DeskPhonePlugin;

let loaded: DeskPhonePluginModule | undefined;
async function plugin(): Promise<DeskPhonePluginModule> {
  loaded ??= await import('./deskphone-line-plugin.js');
  return loaded;
}

/** The same plugin as `deskphoneLinePlugin` (`"type": "deskphone"`), loading its line's code on first use. */
export const lazyDeskphoneLinePlugin: LinePlugin<DeskPhoneSettings> = {
  type: 'deskphone',
  settingsSchema: DeskPhoneLineSchema,
  secrets: deskphoneSecrets,
  setup: true,
  async load() {
    await plugin();
  },
  create(settings, deps) {
    if (!loaded) throw new Error('the desk-phone line plugin is not loaded yet: await its load() before create');
    return loaded.deskphoneLinePlugin.create(settings, deps);
  },
  routes: (host, context) => (host as SetupRouteHost).get(SETUP_ROUTE, async (request) => (await plugin()).setupAnswer(request, context)),
};

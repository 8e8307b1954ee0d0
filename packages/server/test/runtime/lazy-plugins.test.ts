import { loadSettings, type AddOnPlugin, type LineDeps, type LineSettings, type LoadedSettings } from '@callhook/core';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { applyLoadedSettings } from '../../src/console/settings-update.js';
import { editionLimits, simulatorLinePlugin, startServer, type RunningServer, type ServerEdition, type ServerLinePlugin } from '../../src/index.js';
import { testSettings } from '../support/test-app.js';

/**
 * Plugins that keep their code out of start-up (`LinePlugin.load`, `AddOnPlugin.load`): the server
 * loads one before it builds a line of its type, at start and when settings add such a line live,
 * and never when nothing uses it.
 */
function lazyPlugin(type: string, log: string[]): ServerLinePlugin {
  let loaded = false;
  const { routes: _routes, ...simulator } = simulatorLinePlugin;
  void _routes;
  return {
    ...simulator,
    type,
    settingsSchema: z.strictObject({ type: z.literal(type) }),
    async load() {
      await new Promise((resolve) => setTimeout(resolve, 10));
      log.push(`load ${type}`);
      loaded = true;
    },
    create(settings: LineSettings, deps: LineDeps) {
      if (!loaded) throw new Error(`${type} not loaded`);
      log.push(`create ${type}`);
      return simulatorLinePlugin.create({ ...settings, type: 'simulator' }, deps);
    },
  };
}

function lazyAddOn(log: string[]): AddOnPlugin {
  return {
    name: 'lazy',
    async load(settings: LoadedSettings) {
      log.push(`load add-on for ${settings.settings.lines.length} line(s)`);
    },
    create() {
      log.push('create add-on');
      return null;
    },
  };
}

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.stop(0);
  server = undefined;
});

describe('lazily loaded line plugins and add-ons', () => {
  it('loads the plugins of the configured lines before building them, and no other', async () => {
    const log: string[] = [];
    const edition: ServerEdition = { linePlugins: [simulatorLinePlugin, lazyPlugin('near', log), lazyPlugin('far', log)], addOns: [lazyAddOn(log)] };
    const settings = loadSettings(testSettings({ enabled: false }, { lines: [{ id: 'a', type: 'near' }] }), editionLimits(edition));
    server = await startServer({ settings, edition, dataDir: ':memory:' });
    // Loads run together; every build comes after them.
    expect(log.slice(0, 2).sort()).toEqual(['load add-on for 1 line(s)', 'load near']);
    expect(log.slice(2)).toEqual(['create near', 'create add-on']);
    expect(server.engine.lines.get('a')).toBeDefined();
  });

  it('loads the plugin of a line type that settings add while running', async () => {
    const log: string[] = [];
    const edition: ServerEdition = { linePlugins: [simulatorLinePlugin, lazyPlugin('far', log)] };
    const limits = editionLimits(edition);
    server = await startServer({ settings: loadSettings(testSettings({ enabled: false }), limits), edition, dataDir: ':memory:' });
    expect(log).toEqual([]);
    const more = loadSettings(
      testSettings(
        { enabled: false },
        {
          lines: [
            { id: 'default', type: 'simulator' },
            { id: 'b', type: 'far' },
          ],
        },
      ),
      limits,
    );
    await applyLoadedSettings(server.engine, more, { edition });
    expect(log).toEqual(['load far', 'create far']);
    expect(server.engine.lines.get('b')).toBeDefined();
  });
});

import {
  CallhookError,
  loadSettings,
  maskSettings,
  restoreSecrets,
  silentLogger,
  type Clock,
  type Engine,
  type Line,
  type LineSettings,
  type LoadedSettings,
  type Logger,
  type MaskedSettings,
  type Random,
  type Settings,
} from '@callhook/core';
import { cryptoRandom, systemClock } from '@callhook/node';
import { createLine } from '../lines/create-lines.js';
import { headlessEdition } from '../lines/headless-edition.js';
import { editionLimits, pluginOf, type ServerEdition } from '../lines/server-edition.js';
import { exposureProblem } from '../runtime/exposure.js';
import type { SettingsStore } from '../settings/settings-file.js';
import { planLineChanges } from './line-changes.js';
import { changedSettingsFields } from './settings-changes.js';

/** The fields of `inbound` the listener binds once: changing them takes a restart. */
export function inboundRestartFields(before: Settings, after: Settings): string[] {
  const a = before.inbound;
  const b = after.inbound;
  const fields: string[] = [];
  if (a.enabled !== b.enabled) fields.push('inbound.enabled');
  if (a.port !== b.port) fields.push('inbound.port');
  if (a.listen.join() !== b.listen.join()) fields.push('inbound.listen');
  // The MQTT connection (broker, client id, will, subscriptions) is made once, at start.
  if (JSON.stringify(before.mqtt ?? null) !== JSON.stringify(after.mqtt ?? null)) fields.push('mqtt');
  return fields;
}

/** The journal is opened once, at start: any change to `journal` takes a restart. */
export function journalRestartFields(before: Settings, after: Settings): string[] {
  return JSON.stringify(before.journal) === JSON.stringify(after.journal) ? [] : ['journal'];
}

/** Whether the listener must be restarted for `after` (its address, port or switch changed). */
export function needsRestart(before: Settings, after: Settings): boolean {
  return inboundRestartFields(before, after).length > 0;
}

export interface SettingsUpdate {
  loaded: LoadedSettings;
  /** The applied settings as the console may see them (secrets as `{"set": true}`). */
  masked: MaskedSettings;
  /** True when some change waits for a restart; `restartFields` names each such field. */
  restartRequired: boolean;
  restartFields: string[];
}

/** What applying settings needs besides the engine and the store. */
export interface SettingsUpdateContext {
  /** The edition whose rules validate the document and whose plugins build new lines (default: headless). */
  edition?: ServerEdition;
  logger?: Logger;
  clock?: Clock;
  /** Passed to the plugins building new lines (default: the system CSPRNG). */
  random?: Random;
}

/**
 * A new settings document from the console (HTTP or IPC), or the settings file re-read on SIGHUP: each
 * `{"set": true}` is replaced by the stored secret it stands for (core's `restoreSecrets`, with the
 * edition's line plugins naming each line's secrets), the result validated by core against the
 * edition (a SettingsError names every bad field), persisted atomically with the real values, then
 * applied live: slots, actions, token, allow-lists and dial policy at once; lines added or removed are
 * started or stopped; a changed line takes what its plugin applies live, is rebuilt when it has no
 * call, and otherwise waits for a restart (named in `restartFields`, as are the listener's address,
 * port and switch). A document that would leave a non-loopback listener (bound now or at the next
 * start) without a token is refused (`invalid_settings`), as start-up refuses it.
 */
export async function updateSettings(engine: Engine, store: SettingsStore, input: unknown, context: SettingsUpdateContext = {}): Promise<SettingsUpdate> {
  const edition = context.edition ?? headlessEdition;
  const limits = editionLimits(edition);
  const before = engine.settings.settings;
  const loaded = loadSettings(restoreSecrets(input, before, limits), limits);
  if (loaded.settings.inbound.enabled || before.inbound.enabled) {
    const listen = [...(before.inbound.enabled ? before.inbound.listen : []), ...(loaded.settings.inbound.enabled ? loaded.settings.inbound.listen : [])];
    const problem = exposureProblem({ token: loaded.settings.inbound.token, listen });
    if (problem !== null) throw new CallhookError('invalid_settings', problem, { path: 'inbound.token' });
  }
  store.save(loaded.settings);
  const { restartFields } = await applyLoadedSettings(engine, loaded, context);
  return { loaded, masked: maskSettings(loaded.settings, limits), restartRequired: restartFields.length > 0, restartFields };
}

/**
 * Applies validated settings to the running engine, the same way for a console save and for the
 * settings file read again on SIGHUP: slots, actions, token, allow-lists and dial policy at once;
 * lines added or removed are started or stopped; a changed line takes what its plugin applies live,
 * is rebuilt when it has no call, and otherwise waits for a restart. Nothing is written. Answers the
 * fields that wait for a restart (the listener's address, port and switch among them).
 */
export async function applyLoadedSettings(engine: Engine, loaded: LoadedSettings, context: SettingsUpdateContext = {}): Promise<{ restartFields: string[] }> {
  const edition = context.edition ?? headlessEdition;
  const logger = context.logger ?? silentLogger;
  const before = engine.settings.settings;
  const changes = planLineChanges(engine, edition, before.lines, loaded.settings.lines);
  const restartFields = [...inboundRestartFields(before, loaded.settings), ...journalRestartFields(before, loaded.settings), ...changes.restartFields];
  const changed = changedSettingsFields(before, loaded.settings, editionLimits(edition));
  engine.applySettings(loaded);
  if (changed.length > 0) {
    const waiting = restartFields.length > 0 ? `; waiting for a restart: ${restartFields.join(', ')}` : '';
    logger.log('info', `settings changed: ${changed.join(', ')}${waiting}`);
  }
  const deps = { clock: context.clock ?? systemClock, logger, random: context.random ?? cryptoRandom };
  const step = async (what: string, id: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      // The settings are saved; the line's status says what went wrong (e.g. its port is taken).
      logger.log('warn', `line "${id}": could not ${what}: ${error instanceof Error ? error.message : String(error)}`, { line: id });
    }
  };
  for (const id of changes.remove) await step('stop it', id, () => engine.removeLine(id));
  // A line type not running yet may first have to load its plugin's code (`LinePlugin.load`).
  const build = async (settings: LineSettings): Promise<Line> => {
    await pluginOf(edition, settings.type)?.load?.();
    return createLine(settings, edition, deps);
  };
  for (const settings of changes.replace) await step('rebuild it', settings.id, async () => engine.replaceLine(settings.id, await build(settings)));
  for (const settings of changes.add) await step('start it', settings.id, async () => engine.addLine(settings.id, await build(settings)));
  for (const settings of changes.apply) await step('apply its settings', settings.id, async () => engine.lines.get(settings.id)?.applySettings?.(settings));
  return { restartFields };
}

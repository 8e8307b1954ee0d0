import { CallhookError, type Clock, type Line, type LineEntry, type LineSettings, type Logger, type Random } from '@callhook/core';
import { pluginOf, type ServerEdition } from './server-edition.js';

/** What building a line needs besides its settings. */
export interface LineBuildDeps {
  clock: Clock;
  logger: Logger;
  /** Passed to every line plugin's `create` (`LineDeps.random`). */
  random?: Random;
  /** `LineDeps.dataDir`. */
  dataDir?: string;
  /** `LineDeps.callGuid` of the line with this id. */
  callGuid?: (lineId: string, lineCallId: string) => string | undefined;
}

/**
 * Builds the line `settings` names with the edition's plugin of its type. A type the edition does
 * not have (settings validated by another edition) is `invalid_settings` naming the field.
 */
export function createLine(settings: LineSettings, edition: ServerEdition, deps: LineBuildDeps, field = `lines[id=${settings.id}].type`): Line {
  const plugin = pluginOf(edition, settings.type);
  if (!plugin) {
    const types = edition.linePlugins.map((p) => `"${p.type}"`).join(', ');
    throw new CallhookError(
      'invalid_settings',
      `line type "${settings.type}" is not part of this edition (it has ${types}); change ${field} or run an edition with that line`,
      { field },
    );
  }
  const { callGuid } = deps;
  return plugin.create(settings, {
    lineId: settings.id,
    clock: deps.clock,
    logger: deps.logger,
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.dataDir !== undefined ? { dataDir: deps.dataDir } : {}),
    ...(callGuid ? { callGuid: (lineCallId: string) => callGuid(settings.id, lineCallId) } : {}),
  });
}

/** Every line of the settings, in their order. */
export function createLines(lines: readonly LineSettings[], edition: ServerEdition, deps: LineBuildDeps): LineEntry[] {
  return lines.map((settings, i) => ({ id: settings.id, line: createLine(settings, edition, deps, `lines[${i}].type`) }));
}

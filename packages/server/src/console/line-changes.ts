import { LINE_COMMON_FIELD_NAMES, type Engine, type LineSettings } from '@callhook/core';
import { pluginOf, type ServerEdition } from '../lines/server-edition.js';

/**
 * What a change of `lines` needs, line by line:
 * - `add`: lines that are new (started live);
 * - `remove`: ids of lines that are gone (stopped live: their calls end first);
 * - `apply`: lines whose changed fields their plugin takes live (`Line.applySettings`);
 * - `replace`: lines whose change needs a new line, rebuilt now because they have no call;
 * - `restartFields`: fields that wait for a restart (the line has calls), e.g. `lines[0].registrar`.
 */
export interface LineChanges {
  add: LineSettings[];
  remove: string[];
  apply: LineSettings[];
  replace: LineSettings[];
  restartFields: string[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The fields of a line that differ, other than the common ones (the engine reads those live). */
function changedFields(before: LineSettings, after: LineSettings): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => key !== 'id' && !LINE_COMMON_FIELD_NAMES.includes(key) && !same(before[key], after[key]));
}

/** Plans the change from the running lines to `next` (see `LineChanges`). */
export function planLineChanges(engine: Engine, edition: ServerEdition, before: readonly LineSettings[], next: readonly LineSettings[]): LineChanges {
  const changes: LineChanges = { add: [], remove: [], apply: [], replace: [], restartFields: [] };
  const busy = new Set(engine.activeCalls().map((call) => call.lineId));
  next.forEach((after, i) => {
    const old = before.find((line) => line.id === after.id);
    const running = engine.lines.get(after.id);
    if (!old || !running) {
      changes.add.push(after);
      return;
    }
    const changed = old.type === after.type ? changedFields(old, after) : ['type'];
    if (changed.length === 0) return;
    const plugin = pluginOf(edition, after.type);
    const needsNewLine = old.type !== after.type ? changed : (plugin?.restartNeeded?.(old, after) ?? (running.applySettings ? [] : changed));
    if (needsNewLine.length === 0) changes.apply.push(after);
    else if (!busy.has(after.id)) changes.replace.push(after);
    else changes.restartFields.push(...needsNewLine.map((field) => `lines[${i}].${field}`));
  });
  for (const old of before) if (!next.some((line) => line.id === old.id)) changes.remove.push(old.id);
  return changes;
}

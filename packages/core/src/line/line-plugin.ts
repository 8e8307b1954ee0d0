import type * as z from 'zod';
import type { Clock, Line, Logger, Random } from '../ports.js';
import type { LineSettings } from './line-settings.js';

/** What a plugin's `create` gets besides the line's settings. */
export interface LineDeps {
  /** The line's id (`lines[].id`), for its log lines. */
  lineId: string;
  clock: Clock;
  logger: Logger;
  /** Randomness the line draws from (ids, tags, jitter); absent: the line's own system default. */
  random?: Random;
  /** The data directory, for lines that write files there (SIP call recordings in `recordings/`). */
  dataDir?: string;
  /** The engine's call GUID of one of the line's call ids (files and APIs named by GUID); absent: unknown. */
  callGuid?: (lineCallId: string) => string | undefined;
}

/** A line of the running engine as route handlers see it. */
export interface LineEntry {
  id: string;
  line: Line;
}

/**
 * What a plugin's `routes` get: the engine (typed by the host, core does not know it) and the lines of
 * this plugin's type that run now (lines added or removed live show up on the next call).
 */
export interface LineRoutesContext<Engine = unknown> {
  engine: Engine;
  lines(): LineEntry[];
}

/**
 * One kind of telephone line. An edition lists its plugins once (its registry); everything else —
 * the settings schema of `lines[]`, which line to build, its extra HTTP routes, what a settings change
 * needs — comes from there, so no other code names a line type.
 *
 * - `type`: the `lines[].type` value, e.g. `"simulator"`.
 * - `settingsSchema`: a zod object schema of the line's settings with `type` as a literal and the
 *   `LINE_COMMON_FIELDS` spread in; `id` is added by core. Its messages should name the field and the fix.
 * - `create`: builds the line (not started). Throws a CallhookError (`invalid_settings`) for settings
 *   it cannot run with.
 * - `routes`: HTTP routes of this line type (the simulator's remote-side controls), given the server's
 *   app (`Host`); called once at start.
 * - `restartNeeded`: for a change of one line's settings, the names of the changed fields that only
 *   take effect after a restart (e.g. `["bindAddress"]`). Every other change is applied live through
 *   `Line.applySettings`. Absent: every changed field other than the common ones needs a restart.
 * - `secrets`: the line's secret settings fields (e.g. the SIP password), write-only outside the
 *   settings file: the control API, IPC and console show them as `{"set": true}`. `account` names
 *   what a stored secret was entered for (e.g. the SIP AOR and registrar); a `{"set": true}` sent back
 *   for a line whose account changed is refused, so the secret is never sent somewhere new unretyped.
 * - `setup`: true when a line of this type can produce setup text — what to enter at the device it
 *   drives (a desk phone's event URLs, allow-list, prompts) — and the plugin serves it for its running
 *   lines (`routes`: `GET /api/v1/lines/:id/setup`; the desktop over IPC). Hosts report it per line
 *   (`GET /api/v1/lines` → `setup`) and per type (`GET /api/v1/line-types`), and consoles offer "Set up
 *   phone" from it, never from the type's name. Absent: false.
 */
export interface LinePlugin<S extends LineSettings = LineSettings, Host = unknown> {
  readonly type: string;
  readonly settingsSchema: z.ZodObject;
  /**
   * Loads what `create` needs, for a plugin that keeps its line's code out of start-up until a line of
   * its type is configured (the SIP stack for a simulator-only server). The host awaits it before it
   * builds a line of this type; idempotent. Absent: `create` needs nothing loaded.
   */
  load?(): Promise<void>;
  create(settings: S, deps: LineDeps): Line;
  routes?(host: Host, context: LineRoutesContext): void;
  restartNeeded?(before: S, after: S): string[];
  readonly secrets?: LineSecrets;
  readonly setup?: boolean;
}

/** See `LinePlugin.secrets`. A secret field that is not set holds `""` or null. */
export interface LineSecrets {
  readonly fields: readonly string[];
  account?(settings: Record<string, unknown>): string | null;
  /** What `account` compares, for the message refusing a marker: e.g. "the address of record or registrar". */
  accountLabel?: string;
}

/** The part of a plugin settings validation needs (editions that only check settings pass these). */
export type LineSchemaSource = Pick<LinePlugin, 'type' | 'settingsSchema' | 'secrets'>;

/** Loads the plugins (`LinePlugin.load`) of the line types in `lines`, each once; plugins without `load` are ready as they are. */
export async function loadLinePlugins(plugins: readonly Pick<LinePlugin, 'type' | 'load'>[], lines: readonly { type: string }[]): Promise<void> {
  const types = new Set(lines.map((line) => line.type));
  await Promise.all(plugins.filter((plugin) => types.has(plugin.type)).map((plugin) => plugin.load?.()));
}

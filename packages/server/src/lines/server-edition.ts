import { STANDARD_SINK_MODES, type AddOnPlugin, type DeliverySink, type EditionLimits, type LinePlugin } from '@callhook/core';
import type { FastifyInstance } from 'fastify';

/** A line plugin whose `routes` (if any) go on the server's fastify app. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each plugin narrows its own settings type
export type ServerLinePlugin = LinePlugin<any, FastifyInstance>;

/**
 * What one edition (headless server, CLI, desktop) is made of: its registry of line plugins (the
 * first is the default line when the settings name none) and its slot limit. Every path that
 * validates settings — the settings file, `PUT /api/v1/settings`, the desktop's IPC, `config check`
 * — validates against the same edition. `sinks` are delivery sinks besides the built-in `http` and
 * `browser` (a slot names one with `sink`). `addOns` run beside the engine when the settings ask for
 * them (e.g. `mqtt`): their sinks and per-event deliveries join the engine's, and they start and stop with it.
 */
export interface ServerEdition {
  linePlugins: readonly ServerLinePlugin[];
  sinks?: readonly DeliverySink[];
  addOns?: readonly AddOnPlugin[];
  maxSlots?: number;
}

/** The settings rules of an edition, for core's `loadSettings` / `createSettingsSchema`. */
export function editionLimits(edition: ServerEdition): EditionLimits {
  const sinkModes = [...STANDARD_SINK_MODES, ...(edition.sinks ?? []).map((sink) => sink.mode)];
  return { linePlugins: edition.linePlugins, sinkModes, ...(edition.maxSlots === undefined ? {} : { maxSlots: edition.maxSlots }) };
}

/** The plugin of line type `type`; undefined when the edition has none. */
export function pluginOf(edition: ServerEdition, type: string): ServerLinePlugin | undefined {
  return edition.linePlugins.find((plugin) => plugin.type === type);
}

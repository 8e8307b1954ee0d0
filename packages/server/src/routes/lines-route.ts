import { lineSecretFields, type Engine, type LineStatus } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API } from '../contract/routes.js';
import { contractSchema } from '../http/contract-route.js';
import { pluginOf, type ServerEdition } from '../lines/server-edition.js';
import * as z from 'zod';

/** One running line as `GET /api/v1/lines` lists it (`ListedLineSchema`). */
export type ListedLine = { id: string; type: string; status: LineStatus; setup: boolean };

/**
 * Every line of `engine` in order with its type, status and `setup`: true when the plugin of its type
 * (`lines[].type` of its settings) in `edition` declares setup text (`LinePlugin.setup`); false for a
 * type the edition has no plugin for (a line given to the engine directly). What `GET /api/v1/lines` answers and the desktop's IPC hands
 * its console.
 */
export function listLines(engine: Engine, edition: ServerEdition): ListedLine[] {
  return engine.lines.reports().map((report) => {
    // The plugin that built the line: by the type in its settings (a line's `kind` need not be its type name).
    const type = engine.lineSettings(report.id)?.type ?? report.type;
    return { ...report, setup: pluginOf(edition, type)?.setup === true };
  });
}

/** `GET /api/v1/lines`: `listLines`. */
export function registerLinesRoute(app: FastifyInstance, engine: Engine, edition: ServerEdition): void {
  app
    .withTypeProvider<ZodTypeProvider>()
    .get(API.listLines.path, { schema: contractSchema(API.listLines) }, async () => ({ ok: true as const, lines: listLines(engine, edition) }));
}

/** One line type of the edition as `GET /api/v1/line-types` lists it; `setup` as `LinePlugin.setup`. */
export type LineTypeInfo = { type: string; secrets: string[]; schema: Record<string, unknown>; setup: boolean };

/**
 * Each line plugin of `edition` with the JSON Schema of its settings (input side, from its zod schema)
 * and its write-only fields: what `GET /api/v1/line-types` answers, and what the desktop hands its
 * console over IPC. Converting the schemas takes a moment: callers keep the result.
 */
export function lineTypesOf(edition: ServerEdition): LineTypeInfo[] {
  return edition.linePlugins.map((plugin) => ({
    type: plugin.type,
    secrets: [...lineSecretFields(plugin)],
    schema: z.toJSONSchema(plugin.settingsSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    setup: plugin.setup === true,
  }));
}

/**
 * `GET /api/v1/line-types`: each line plugin of the edition with the JSON Schema of its settings
 * (converted from its zod schema on the first request, then kept) and its write-only fields, so the
 * console can offer an editor for every line type without knowing any.
 */
export function registerLineTypesRoute(app: FastifyInstance, edition: ServerEdition): void {
  let types: LineTypeInfo[] | null = null;
  app.withTypeProvider<ZodTypeProvider>().get(API.listLineTypes.path, { schema: contractSchema(API.listLineTypes) }, async () => {
    types ??= lineTypesOf(edition);
    return { ok: true as const, types };
  });
}

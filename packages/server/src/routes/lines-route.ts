import { lineSecretFields, type Engine } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API } from '../contract/routes.js';
import { contractSchema } from '../http/contract-route.js';
import type { ServerEdition } from '../lines/server-edition.js';
import { z } from 'zod';

/** `GET /api/v1/lines`: every line of the engine in order, with its type and status (`LineReport`). */
export function registerLinesRoute(app: FastifyInstance, engine: Engine): void {
  app
    .withTypeProvider<ZodTypeProvider>()
    .get(API.listLines.path, { schema: contractSchema(API.listLines) }, async () => ({ ok: true as const, lines: engine.lines.reports() }));
}

/** One line type of the edition as `GET /api/v1/line-types` lists it. */
export type LineTypeInfo = { type: string; secrets: string[]; schema: Record<string, unknown> };

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

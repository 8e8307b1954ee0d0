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

/**
 * `GET /api/v1/line-types`: each line plugin of the edition with the JSON Schema of its settings
 * (converted from its zod schema on the first request, then kept) and its write-only fields, so the
 * console can offer an editor for every line type without knowing any.
 */
export function registerLineTypesRoute(app: FastifyInstance, edition: ServerEdition): void {
  let types: { type: string; secrets: string[]; schema: Record<string, unknown> }[] | null = null;
  app.withTypeProvider<ZodTypeProvider>().get(API.listLineTypes.path, { schema: contractSchema(API.listLineTypes) }, async () => {
    types ??= edition.linePlugins.map((plugin) => ({
      type: plugin.type,
      secrets: [...lineSecretFields(plugin)],
      schema: z.toJSONSchema(plugin.settingsSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    }));
    return { ok: true as const, types };
  });
}

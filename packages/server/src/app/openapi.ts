import fastifySwagger from '@fastify/swagger';
import { settingsJsonSchema, type EditionLimits } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/**
 * Registers @fastify/swagger: the OpenAPI 3.1 document is generated from the routes the app
 * registers after this (their zod schemas, via the type provider's transform). `components.schemas.
 * Settings` is the edition's masked settings document (what `PUT /api/v1/settings` takes and the
 * settings routes answer refer to it: `SETTINGS_COMPONENT_REF`), built on the first request only:
 * converting it is start-up work nobody may ever need.
 */
export function registerOpenApi(app: FastifyInstance, version: string, limits: EditionLimits): void {
  let settingsSchema: Record<string, unknown> | null = null;
  void app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'callhook listener',
        version,
        description: 'Inbound Action URLs and the control API. Token: Authorization: Bearer <inbound.token> or token=<…>.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, query: { type: 'apiKey', in: 'query', name: 'token' } } },
      security: [{ bearer: [] }, { query: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (document) => {
      if (!('openapiObject' in document)) return document.swaggerObject;
      const { openapiObject } = document;
      settingsSchema ??= settingsJsonSchema(limits, { masked: true });
      const components = (openapiObject.components ??= {});
      Object.assign((components.schemas ??= {}), { Settings: settingsSchema });
      return openapiObject;
    },
  });
}

/** `GET /api/v1/openapi.json`: the generated document (no token needed). */
export function registerOpenApiRoute(app: FastifyInstance): void {
  app.get('/api/v1/openapi.json', { config: { tokenExempt: true }, schema: { summary: 'This document (no token)' } }, async () => app.swagger());
}

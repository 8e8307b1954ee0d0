import { settingsJsonSchema, type EditionLimits } from '@callhook/core';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { ZOD_COMPILERS } from '../http/contract-route.js';

/** What the document needs of a route, as fastify's `onRoute` hook reports it. */
type DocumentedRoute = Pick<RouteOptions, 'method' | 'url' | 'schema' | 'config' | 'constraints'>;

/** The routes each app registered, and the edition limits its `Settings` component is built with. */
interface OpenApiSource {
  version: string;
  limits: EditionLimits;
  routes: DocumentedRoute[];
  /** Built on the first request and kept (the routes do not change once the app is ready). */
  document: Promise<unknown> | null;
}

const SOURCES = new WeakMap<FastifyInstance, OpenApiSource>();

/**
 * Records the routes the app registers after this (method, URL, schema, config, constraints), from
 * which `GET /api/v1/openapi.json` generates the OpenAPI 3.1 document on its first request. Nothing of
 * @fastify/swagger (nor its YAML library, ~100 files) is loaded at start: the document is for tools
 * and people reading the API, never needed to serve calls.
 */
export function registerOpenApi(app: FastifyInstance, version: string, limits: EditionLimits): void {
  const source: OpenApiSource = { version, limits, routes: [], document: null };
  SOURCES.set(app, source);
  app.addHook('onRoute', (route) => {
    source.routes.push({ method: route.method, url: route.url, schema: route.schema, config: route.config, constraints: route.constraints });
  });
}

/** `GET /api/v1/openapi.json`: the generated document (no token needed). */
export function registerOpenApiRoute(app: FastifyInstance): void {
  app.get('/api/v1/openapi.json', { config: { tokenExempt: true }, schema: { summary: 'This document (no token)' } }, async () => {
    const source = SOURCES.get(app);
    if (!source) throw new Error('registerOpenApi(app, …) must come before registerOpenApiRoute(app)');
    if (!source.document) {
      source.document = generateDocument(source);
      source.document.catch(() => (source.document = null)); // a failure is answered, and tried again next time
    }
    return source.document;
  });
}

/**
 * The OpenAPI 3.1 document of the recorded routes, by @fastify/swagger (its documented dynamic mode)
 * on a fastify instance of its own that registers the same routes without serving them: each route's
 * zod schemas through fastify-type-provider-zod's `jsonSchemaTransform`. `components.schemas.Settings`
 * is the edition's masked settings document (what `PUT /api/v1/settings` takes and the settings
 * routes' answers refer to: `SETTINGS_COMPONENT_REF`).
 */
async function generateDocument(source: OpenApiSource): Promise<unknown> {
  const [{ default: fastifySwagger }, { jsonSchemaTransform }] = await Promise.all([import('@fastify/swagger'), import('fastify-type-provider-zod')]);
  const generator = Fastify({ logger: false, exposeHeadRoutes: false, schemaController: { compilersFactory: ZOD_COMPILERS } });
  try {
    await generator.register(fastifySwagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'callhook listener',
          version: source.version,
          description: 'Inbound Action URLs and the control API. Token: Authorization: Bearer <inbound.token> or token=<…>.',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, query: { type: 'apiKey', in: 'query', name: 'token' } } },
        security: [{ bearer: [] }, { query: [] }],
      },
      transform: jsonSchemaTransform,
      transformObject: (document) => {
        if (!('openapiObject' in document)) return document.swaggerObject;
        const { openapiObject } = document;
        const components = (openapiObject.components ??= {});
        Object.assign((components.schemas ??= {}), { Settings: settingsJsonSchema(source.limits, { masked: true }) });
        return openapiObject;
      },
    });
    for (const route of source.routes) generator.route({ ...route, handler: async () => null });
    await generator.ready();
    return generator.swagger();
  } finally {
    await generator.close();
  }
}

import { createMaskedSettingsSchema, Engine, loadSettings, SimulatedLine, standardSinks } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, cryptoRandom, editionLimits, headlessBrowser, headlessEdition, systemClock } from '../../src/index.js';
import { API } from '../../src/contract/index.js';
import { RecordingFetcher } from '../support/recording-fetcher.js';
import { testSettings, TOKEN } from '../support/test-app.js';

let app: FastifyInstance | null = null;
let engine: Engine | null = null;
afterEach(async () => {
  await app?.close();
  await engine?.stop(1_000);
});

/** The app with every route it registers recorded (method, path), as fastify reports them. */
async function appWithRoutes(): Promise<{ app: FastifyInstance; routes: { method: string; url: string }[] }> {
  const line = new SimulatedLine({ clock: systemClock, answerAfterMs: null });
  engine = new Engine({
    lines: [{ id: 'default', line }],
    clock: systemClock,
    random: cryptoRandom,
    sinks: standardSinks({ fetcher: new RecordingFetcher(), browser: headlessBrowser }),
    settings: loadSettings(testSettings({ token: TOKEN })),
  });
  await engine.start();
  const built = buildApp({ engine });
  const routes: { method: string; url: string }[] = [];
  built.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  await built.ready();
  app = built;
  return { app: built, routes };
}

/** fastify's `/calls/:guid` is OpenAPI's `/calls/{guid}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z]+)/g, '{$1}');

describe('the generated OpenAPI document', () => {
  it('lists every /api/v1 route with its method, and is served without the token', async () => {
    const { app, routes } = await appWithRoutes();
    const res = await app.inject({ url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    const api = routes.filter((r) => r.url.startsWith('/api/v1/'));
    expect(api.length).toBeGreaterThanOrEqual(Object.keys(API).length);
    for (const { method, url } of api) {
      expect(doc.paths[openApiPath(url)], `${method} ${url}`).toHaveProperty(method.toLowerCase());
    }
    for (const path of ['/healthz', '/metrics', '/', '/command.htm']) expect(Object.keys(doc.paths)).toContain(path);
    expect(Object.keys(doc.paths)).not.toContain('/{*}');
  });

  it("takes each contract route's schemas: parameters, body, the 200 answer and the error body", async () => {
    const { app } = await appWithRoutes();
    const doc = (await app.inject({ url: '/api/v1/openapi.json' })).json();
    for (const route of Object.values(API)) {
      const operation = doc.paths[openApiPath(route.path)][route.method.toLowerCase()];
      expect(operation.summary).toBe(route.summary);
      expect(operation.responses['200'].content['application/json'].schema).toBeTypeOf('object');
      expect(operation.responses['4XX'] ?? operation.responses['4xx']).toBeDefined();
      if ('body' in route) expect(operation.requestBody, route.path).toBeDefined();
    }
    const calls = doc.paths['/api/v1/calls'].get;
    expect(calls.parameters.map((p: { name: string }) => p.name)).toContain('limit');
    expect(calls.responses['200'].content['application/json'].schema.properties.active.items.properties).toHaveProperty('remoteAlias');
    expect(doc.paths['/api/v1/calls/{guid}'].get.parameters).toEqual([expect.objectContaining({ in: 'path', name: 'guid', required: true })]);
  });

  it("carries the edition's masked settings schema as components.schemas.Settings", async () => {
    const { app } = await appWithRoutes();
    const doc = (await app.inject({ url: '/api/v1/openapi.json' })).json();
    expect(doc.components.schemas.Settings.properties).toHaveProperty('inbound');
    expect(JSON.stringify(doc.components.schemas.Settings)).toContain('"set"');
    // The settings GET answers validates against the edition's schema the document publishes.
    const settings = await app.inject({ url: '/api/v1/settings', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(createMaskedSettingsSchema(editionLimits(headlessEdition)).safeParse(settings.json().settings).success).toBe(true);
  });

  it("documents PUT /api/v1/settings's body and the settings answers with the edition's settings schema, not a bare object", async () => {
    const { app } = await appWithRoutes();
    const doc = (await app.inject({ url: '/api/v1/openapi.json' })).json();
    const resolve = (schema: { $ref?: string }) => {
      expect(schema.$ref, JSON.stringify(schema)).toBe('#/components/schemas/Settings');
      return doc.components.schemas[schema.$ref!.split('/').at(-1)!];
    };
    const put = doc.paths['/api/v1/settings'].put;
    const body = resolve(put.requestBody.content['application/json'].schema);
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(['actionUrls', 'inbound', 'journal', 'line', 'lines']));
    const slot = body.properties.actionUrls.properties.slots.items;
    expect(Object.keys(slot.properties)).toEqual(expect.arrayContaining(['url', 'method', 'headers', 'secret', 'timeoutMs', 'retries']));
    expect(slot.properties.retries.properties.max.default).toBe(8);
    // The answers' `settings` is the same document.
    resolve(put.responses['200'].content['application/json'].schema.properties.settings);
    resolve(doc.paths['/api/v1/settings'].get.responses['200'].content['application/json'].schema.properties.settings);
  });

  it('still answers a bad settings body by naming every bad field and the fix, not with a schema validator message', async () => {
    const { app } = await appWithRoutes();
    const put = (payload: unknown) =>
      app.inject({ method: 'PUT', url: '/api/v1/settings', headers: { authorization: `Bearer ${TOKEN}` }, payload: payload as object });
    const bad = await put({ actionUrls: { slots: [{ on: 'inbound', url: 'http://h/', retries: { max: 11 } }] }, inbound: { port: 'x' } });
    expect(bad.statusCode).toBe(400);
    const answer = bad.json();
    expect(answer).toMatchObject({ ok: false, code: 'invalid_settings' });
    expect(answer.message).toContain('actionUrls.slots[0].retries.max');
    expect(answer.message).toContain('at most 10');
    expect(answer.message).toContain('inbound.port');
    const notObject = await put([1, 2]);
    expect(notObject.statusCode).toBe(400);
    expect(notObject.json()).toMatchObject({ ok: false, code: 'bad_request', message: 'body: settings must be a JSON object' });
  });
});

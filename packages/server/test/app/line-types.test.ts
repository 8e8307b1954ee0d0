import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createApiClient } from '../../src/contract/index.js';
import { simulatorLinePlugin, type ServerEdition } from '../../src/index.js';
import { injectTransport } from '../support/inject-transport.js';
import { testApp, testSettings, TOKEN, type TestApp } from '../support/test-app.js';

let t: TestApp | undefined;
afterEach(async () => t?.close());

/** A second line type with a write-only field, as a SIP plugin has its password. */
const { routes: _simulatorRoutes, ...simulatorWithoutRoutes } = simulatorLinePlugin;
void _simulatorRoutes;
const deskPlugin = {
  ...simulatorWithoutRoutes,
  type: 'desk',
  settingsSchema: z.strictObject({
    type: z.literal('desk'),
    registrar: z.string().min(1).describe('the PBX, host[:port]'),
    password: z.string().default(''),
    transport: z.enum(['udp', 'tcp']).default('udp'),
  }),
  secrets: { fields: ['password'] },
};
const edition: ServerEdition = { linePlugins: [simulatorLinePlugin, deskPlugin] };

describe('GET /api/v1/line-types', () => {
  it("publishes each line type's settings as JSON Schema with its secret fields, behind the token", async () => {
    t = await testApp(testSettings({ token: TOKEN }), { edition });
    expect((await t.app.inject({ url: '/api/v1/line-types' })).statusCode).toBe(401);
    const api = createApiClient(injectTransport(t.app, TOKEN));
    const { types } = await api.listLineTypes();
    expect(types.map((x) => [x.type, x.secrets])).toEqual([
      ['simulator', []],
      ['desk', ['password']],
    ]);
    const desk = types[1]!.schema as {
      properties: Record<string, { type?: string; enum?: string[]; default?: unknown; description?: string }>;
      required: string[];
    };
    expect(desk.properties.registrar).toMatchObject({ type: 'string', description: 'the PBX, host[:port]' });
    expect(desk.properties.transport).toMatchObject({ enum: ['udp', 'tcp'], default: 'udp' });
    expect(desk.required).toEqual(expect.arrayContaining(['type', 'registrar']));
    const openapi = (await t.app.inject({ url: '/api/v1/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(openapi.paths['/api/v1/line-types']).toBeDefined();
  });
});

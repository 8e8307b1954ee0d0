import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@callhook/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliAsync, startServe, type Served, stopServed } from './support/cli.js';
import { COUNT_MODULES, fromPackage as from, loadedSources } from './support/loaded-sources.js';

/** A preload that writes the Node built-ins loaded by ready to stderr (`builtins at ready: …`). */
const REPORT_BUILTINS = fileURLToPath(new URL('./fixtures/report-builtins.cjs', import.meta.url));

let served: Served | null = null;
let dir: string | null = null;
afterEach(async () => {
  await stopServed(served);
  served = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

/**
 * What `serve --demo` must not load before it is used (issue 17: start-up loads what the edition uses).
 * The last five are what fastify requires only for a server without its own schema compilers (ajv under
 * one, fast-json-stringify under the other: its `lib/serializer.js` alone runs fastify's error
 * serializer), for `inject()`, or with a `logger` (pino): the bundle keeps them in files of their own
 * (scripts/bundle.mjs, `DEFERRED`).
 */
const LAZY = [
  'prom-client',
  '@opentelemetry/api',
  '@fastify/swagger',
  '@fastify/static',
  'glob',
  'undici',
  'sip.js',
  'mqtt',
  'pg',
  'kysely',
  'ajv',
  'light-my-request',
  'pino',
  '@fastify/ajv-compiler',
  '@fastify/fast-json-stringify-compiler',
];

describe('serve --demo loads parts on first use', () => {
  it('is ready without prom-client, swagger, the console file server, undici, the SIP stack, MQTT or the journal; a scrape loads prom-client', async () => {
    dir = mkdtempSync(join(tmpdir(), 'callhook-lazy-'));
    const list = join(dir, 'modules.txt');
    writeFileSync(list, '');
    served = await startServe(['--demo', '--port', '0', '--data', ':memory:'], 2, undefined, {
      args: ['--import', COUNT_MODULES],
      env: { CALLHOOK_BENCH_MODULES: list },
    });
    const atReady = loadedSources(list);
    // The check sees the packages that are loaded at start (it would pass vacuously otherwise).
    expect(from(atReady, 'fastify').length).toBeGreaterThan(0);
    expect(from(atReady, 'zod').length).toBeGreaterThan(0);
    for (const pkg of LAZY) expect(from(atReady, pkg), `${pkg} loaded at start`).toEqual([]);

    await waitFor(() => /token: \S+/.test(served!.stderr()), 'the demo banner');
    const token = /token: (\S+)/.exec(served.stderr())![1]!;
    const scrape = await fetch(`${served.urls[0]}metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('callhook_line_ready{line="default"} 1');
    expect(from(loadedSources(list), 'prom-client').length).toBeGreaterThan(0);

    // The other parts load on first use too, and work when they do (in the bundle as unbundled).
    const openapi = await fetch(`${served.urls[0]}api/v1/openapi.json`);
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as { openapi: string }).openapi).toMatch(/^3\./);
    const env = { CALLHOOK_URL: served.urls[0]!, CALLHOOK_TOKEN: token };
    expect((await runCliAsync(['simulate', 'incoming', '--from', '420'], env)).code).toBe(0);
    // The demo's slots post to its echo receiver: the first delivery loads undici.
    await waitFor(async () => {
      const log = await fetch(`${served!.urls[0]}api/v1/echo/log`, { headers: { authorization: `Bearer ${token}` } });
      return ((await log.json()) as { records: unknown[] }).records.length > 0;
    }, 'a delivery to the echo receiver');
    // The console's first request loads its file server.
    const page = await fetch(`${served.urls[0]}console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<!doctype html>');
    const later = loadedSources(list);
    for (const pkg of ['@fastify/swagger', '@fastify/static', 'undici']) expect(from(later, pkg).length, `${pkg} loaded on use`).toBeGreaterThan(0);
  });

  it("does not load Node's http2 (fastify requires it for http2 servers only), and a delivery still works", async () => {
    served = await startServe(['--demo', '--port', '0', '--data', ':memory:'], 2, undefined, { args: ['--require', REPORT_BUILTINS] });
    await waitFor(() => /builtins at ready: .*\n/.test(served!.stderr()), 'the built-ins at ready');
    const builtins = /builtins at ready: (.*)\n/.exec(served.stderr())![1]!.split(' ');
    // The list is real: what every start loads is in it.
    expect(builtins).toEqual(expect.arrayContaining(['http', 'net', 'crypto']));
    expect(builtins).not.toContain('http2');
    await waitFor(() => /token: \S+/.test(served!.stderr()), 'the demo banner');
    const token = /token: (\S+)/.exec(served.stderr())![1]!;
    const env = { CALLHOOK_URL: served.urls[0]!, CALLHOOK_TOKEN: token };
    expect((await runCliAsync(['simulate', 'incoming', '--from', '420'], env)).code).toBe(0);
    await waitFor(async () => {
      const log = await fetch(`${served!.urls[0]}api/v1/echo/log`, { headers: { authorization: `Bearer ${token}` } });
      return ((await log.json()) as { records: unknown[] }).records.length > 0;
    }, 'a delivery to the echo receiver (undici, which reads http2 when it loads)');
  });
});

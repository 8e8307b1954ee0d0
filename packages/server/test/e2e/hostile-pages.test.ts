import { loadSettings, type EngineEvent, type SimulatedLine } from '@callhook/core';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, streamLogger, type RunningServer } from '../../src/index.js';
import { testSettings, TOKEN } from '../support/test-app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--host-resolver-rules=MAP evil.test 127.0.0.1',
];

/** What a hostile page tries, relative to the listener's origin; `CALL` is replaced by the ringing call's GUID. */
const ACTS = [
  '/?action=make_call&target=4711',
  '/command.htm?number=4712',
  '/servlet?key=number=4713',
  '/?action=answer&call=CALL',
  '/?action=dtmf&digits=123&call=CALL',
  '/?action=transfer&target=4714&call=CALL',
];
const READS = ['/api/v1/settings', '/api/v1/calls', '/api/v1/deliveries', '/metrics', '/api/v1/echo/log'];

/**
 * A page that fires every act through img, iframe and no-cors fetch, posts a text/plain form that
 * looks like JSON to the command route, tries to read settings, calls, metrics and the SSE stream, and
 * publishes what it could read in `window.done`. It sends no Referer or Origin it can avoid.
 */
function hostilePage(target: string, call: string, referrerPolicy = 'no-referrer'): string {
  const acts = ACTS.map((a) => a.replace('CALL', call));
  return `<!doctype html><meta name="referrer" content="${referrerPolicy}"><body><script>
const R = ${JSON.stringify(referrerPolicy)};
const T = ${JSON.stringify(target)};
const acts = ${JSON.stringify(acts)};
const reads = ${JSON.stringify(READS)};
const results = { reads: [] };
const settle = (p) => Promise.race([p, new Promise((r) => setTimeout(r, 10000))]);
const loaded = (el) => settle(new Promise((r) => { el.onload = el.onerror = () => r(); }));
(async () => {
  const jobs = [];
  for (const a of acts) { const img = new Image(); img.referrerPolicy = R; jobs.push(loaded(img)); img.src = T + a; }
  for (const a of acts) { const f = document.createElement('iframe'); f.referrerPolicy = R; jobs.push(loaded(f)); f.src = T + a; document.body.append(f); }
  for (const a of acts) jobs.push(settle(fetch(T + a, { mode: 'no-cors', referrerPolicy: R, credentials: 'include' }).catch(() => null)));
  const sink = document.createElement('iframe'); sink.name = 'sink'; document.body.append(sink);
  const form = document.createElement('form'); form.method = 'POST'; form.enctype = 'text/plain'; form.target = 'sink'; form.action = T + '/api/v1/commands';
  const input = document.createElement('input'); input.name = '{"action":"make_call","target":"4715","x":"'; input.value = '"}'; form.append(input); document.body.append(form);
  jobs.push(loaded(sink)); form.submit();
  for (const p of reads) jobs.push(settle(fetch(T + p, { referrerPolicy: R }).then(async (r) => results.reads.push([p, r.status, (await r.text()).slice(0, 300)])).catch((e) => results.reads.push([p, 0, String(e)]))));
  jobs.push(settle(new Promise((r) => { const es = new EventSource(T + '/api/v1/events'); es.addEventListener('line', (e) => { results.reads.push(['/api/v1/events', 200, e.data]); es.close(); r(); }); es.onerror = () => { es.close(); r(); }; })));
  await Promise.all(jobs);
  window.done = results;
})();
</script>`;
}

/** A page that navigates itself (top level, no referrer) to an act on the listener. */
function navigatingPage(url: string): string {
  return `<!doctype html><meta name="referrer" content="no-referrer"><script>location.href = ${JSON.stringify(url)};</script>`;
}

let browser: Browser;
let pages: Server;
let pagePort = 0;
/** Pages served by path: the tests fill it per row. */
const served = new Map<string, string>();

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  pages = createServer((req, res) => {
    const body = served.get((req.url ?? '').split('?')[0]!);
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' }).end(body ?? 'no such page');
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  pagePort = (pages.address() as AddressInfo).port;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  pages?.closeAllConnections();
  await new Promise<void>((resolve) => (pages ? pages.close(() => resolve()) : resolve()));
});

let server: RunningServer | null = null;
afterEach(async () => {
  await server?.stop(1_000);
  server = null;
  served.clear();
});

interface Attack {
  /** Server log lines for requests the listener answered 2xx. */
  answered: string[];
  /** Call events the engine raised after the attack started. */
  callEvents: EngineEvent[];
  /** What the page could read (status and a body excerpt). */
  reads: [string, number, string][];
}

/** Starts a listener, rings one incoming call, opens the hostile page (and a navigating one), and reports what got through. */
async function attack(options: {
  referrerPolicy?: string;
  token: string | null;
  pageOrigin: (serverPort: number) => string;
  target: (serverPort: number) => string;
  rebind?: boolean;
  allowOrigins?: string[];
}): Promise<Attack> {
  const lines: string[] = [];
  server = await startServer({
    settings: loadSettings(testSettings({ listen: ['127.0.0.1'], token: options.token, allowOrigins: options.allowOrigins ?? [] })),
    dataDir: ':memory:',
    port: 0,
    logger: streamLogger({ level: 'debug', write: (line) => lines.push(line) }),
  });
  const port = server.port!;
  const line = server.engine.lines.first().line as SimulatedLine;
  line.incoming('0301234', 'Ringing caller');
  const call = server.engine.activeCalls()[0]!.guid;
  const callEvents: EngineEvent[] = [];
  server.engine.on((event) => {
    if (event.type === 'call') callEvents.push(event);
  });
  const pageOrigin = options.pageOrigin(port);
  const target = options.target(port);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    if (options.rebind) {
      // DNS rebinding: the page was first served from evil.test:<listener port>, so the listener is its own origin.
      await page.route(`${pageOrigin}/page`, (route) => route.fulfill({ contentType: 'text/html', body: hostilePage(target, call) }));
      await page.route(`${pageOrigin}/nav`, (route) =>
        route.fulfill({ contentType: 'text/html', body: navigatingPage(`${target}/?action=make_call&target=4716`) }),
      );
    } else {
      served.set('/page', hostilePage(target, call, options.referrerPolicy));
      served.set('/nav', navigatingPage(`${target}/?action=make_call&target=4716`));
    }
    await page.goto(`${pageOrigin}/page`);
    const done = await page.waitForFunction(() => (globalThis as unknown as { done?: unknown }).done, null, { timeout: 60_000 });
    const { reads } = (await done.jsonValue()) as { reads: [string, number, string][] };
    const navigated = page.waitForURL((url) => url.href.includes('target=4716'), { timeout: 30_000 });
    await page.goto(`${pageOrigin}/nav`);
    await navigated;
    const answered = lines.filter((l) => / [2]\d\d peer=/.test(l));
    return { answered, callEvents, reads };
  } finally {
    await context.close();
  }
}

const expectNothingGotThrough = (result: Attack) => {
  expect(result.answered).toEqual([]);
  expect(result.callEvents).toEqual([]);
  expect(server!.engine.activeCalls().map((c) => [c.remoteParty, c.state])).toEqual([['0301234', 'ringing']]);
  const readable = result.reads.filter(([, status]) => status >= 200 && status < 300);
  expect(readable).toEqual([]);
  expect(JSON.stringify(result.reads)).not.toMatch(/"settings"|"calls"|callhook_|0301234/);
};

describe('hostile pages in real Chromium place no call and read nothing', () => {
  const rows = [
    ['IP-literal page on another port → 127.0.0.1', (p: number) => `http://127.0.0.1:${pagePort || p}`, (p: number) => `http://127.0.0.1:${p}`, false],
    ['localhost page → localhost', () => `http://localhost:${pagePort}`, (p: number) => `http://localhost:${p}`, false],
    ['localhost page → 127.0.0.1', () => `http://localhost:${pagePort}`, (p: number) => `http://127.0.0.1:${p}`, false],
    ['evil.test page (mapped to 127.0.0.1) → evil.test', () => `http://evil.test:${pagePort}`, (p: number) => `http://evil.test:${p}`, false],
    ['evil.test page → 127.0.0.1', () => `http://evil.test:${pagePort}`, (p: number) => `http://127.0.0.1:${p}`, false],
    [
      'DNS rebinding: page on evil.test:<listener port>, same-origin requests',
      (p: number) => `http://evil.test:${p}`,
      (p: number) => `http://evil.test:${p}`,
      true,
    ],
  ] as const;

  for (const token of [null, TOKEN]) {
    it.each(rows)(
      `%s (${token ? 'with' : 'without'} a token)`,
      async (_name, pageOrigin, target, rebind) => {
        expectNothingGotThrough(await attack({ token, pageOrigin, target, rebind }));
      },
      120_000,
    );
  }

  it('control: the same page from an origin in inbound.allowOrigins, showing its origin, does act (the harness sees calls and reads)', async () => {
    const origin = `http://127.0.0.1:${pagePort}`;
    const result = await attack({
      referrerPolicy: 'origin',
      token: null,
      pageOrigin: () => origin,
      target: (p) => `http://127.0.0.1:${p}`,
      allowOrigins: [origin],
    });
    expect(result.callEvents.length).toBeGreaterThan(0);
    expect(result.answered.length).toBeGreaterThan(0);
    expect(result.reads.some(([path, status]) => path === '/api/v1/settings' && status === 200)).toBe(true);
  }, 120_000);
});

// @vitest-environment node
import { readFile } from 'node:fs/promises';
import { SPEC_EXAMPLE_CALL } from '@callhook/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchChromium } from './support/browser.js';
import { startConsoleServer, type ConsoleServer } from './support/console-server.js';

const TOKEN = 'e2e-access-token-0123456789abcdef';
let browser: Browser;
let server: ConsoleServer | undefined;
let page: Page | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await page?.close();
  await server?.stop();
  page = undefined;
  server = undefined;
});

describe('opening a token-protected console in Chromium', () => {
  it('asks for the token instead of saying the engine is unreachable, under a CSP that nothing on the page breaks', async () => {
    server = await startConsoleServer({ inbound: { enabled: true, token: TOKEN } });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) problems.push(message.text());
    });
    const unauthorized: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 401 && !response.url().includes('/api/v1/')) unauthorized.push(response.url());
    });
    const first = await page.goto(`${server.origin}/console/`);
    expect(first?.headers()['content-security-policy']).toContain("script-src 'self'");

    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByText(/needs its token/).waitFor();
    expect(await page.getByText('Engine unreachable').count()).toBe(0);

    await page.getByLabel('Token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(/refused this token/).waitFor();

    await page.getByLabel('Token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Line ready').waitFor();
    await page.getByRole('link', { name: 'Calls' }).click();
    await page.getByRole('heading', { name: 'Calls', level: 1 }).waitFor();

    // The token stays for the tab: a reload needs no second sign-in.
    await page.reload();
    await page.getByText('Line ready').waitFor();
    const icon = await page.request.get(`${server.origin}/favicon.ico`);
    expect(icon.status()).toBe(204);
    expect(unauthorized).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe('the console on a 390 px wide phone screen', () => {
  const post = (path: string, body: object) =>
    fetch(`${server!.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const overflow = () => page!.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  it('reflows calls and deliveries without sideways scrolling, and exports the delivery log as CSV', async () => {
    server = await startConsoleServer({ inbound: { enabled: true } });
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, acceptDownloads: true });
    expect((await post('/api/v1/simulator/incoming', { from: '420', name: 'Anna Schmidt' })).status).toBe(200);
    await post('/api/v1/simulator/hangup', {});
    const test = await post('/api/v1/slots/test', {
      slot: { on: 'connected', url: `http://127.0.0.1:9/a/very/long/path/that/would/push/the/table/wide?caller=<$remote_party>&name=<$remote_alias>` },
      index: 1,
      action: 'connected',
      call: SPEC_EXAMPLE_CALL,
    });
    expect(test.status).toBe(200);

    await page.goto(`${server.origin}/console/#calls`);
    await page.getByText('1 missed call').waitFor();
    await page.getByRole('button', { name: 'Call back Anna Schmidt (420)' }).waitFor();
    expect(await overflow()).toBe(0);
    await page.screenshot({ path: artifactPath('calls-390.png'), fullPage: true });

    await page.getByRole('link', { name: 'Deliveries' }).click();
    await page.getByText('1 of 1 deliveries').waitFor();
    expect(await overflow()).toBe(0);
    await page.screenshot({ path: artifactPath('deliveries-390.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^callhook-deliveries-.*\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    const [header, row] = csv.split('\r\n');
    expect(header?.startsWith('time,slot,test,action,')).toBe(true);
    expect(row).toMatch(/,2,true,connected,test:/);
  });
});

describe('the Lines page in Chromium against the real edition', () => {
  it("builds each line type's form from the published schemas, SIP's password write-only, and applies a change live", async () => {
    server = await startConsoleServer({ inbound: { enabled: true } });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.origin}/console/#lines`);
    const simulator = page.getByRole('group', { name: 'Line default (simulator)' });
    await simulator.getByLabel('displayName').fill('Empfang');
    await page.getByLabel('New line of type').selectOption('sip');
    await page.getByRole('button', { name: 'Add line' }).click();
    const sip = page.getByRole('group', { name: 'Line line-2 (sip)' });
    await expect(sip.getByLabel('New password').getAttribute('type')).resolves.toBe('password');
    await sip.getByRole('button', { name: 'Remove line line-2' }).click();
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText(/^Settings applied\./).waitFor();
    const settings = (await (await fetch(`${server.origin}/api/v1/settings`)).json()) as { settings: { lines: { displayName: string }[] } };
    expect(settings.settings.lines[0]!.displayName).toBe('Empfang');
  });
});

describe('the dashboard in Chromium', () => {
  it('draws the calls and deliveries charts from the journal under the CSP, with the day figures', async () => {
    server = await startConsoleServer({ inbound: { enabled: true } });
    const post = (path: string, body: object) =>
      fetch(`${server!.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await post('/api/v1/simulator/incoming', { from: '420', name: 'Anna Schmidt' });
    await post('/api/v1/simulator/hangup', {});
    await post('/api/v1/slots/test', { slot: { on: 'connected', url: 'http://127.0.0.1:9/x' }, index: 0, action: 'connected', call: SPEC_EXAMPLE_CALL });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(`${server.origin}/console/#dashboard`);
    const figures = page.getByRole('definition');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await expect.poll(() => figures.allTextContents(), { timeout: 20_000 }).toEqual(['1', '0', '1', '0 %', expect.stringMatching(/^\d+ ms \/ \d+ ms$/)]);
    for (const name of ['Calls per hour, last 24 hours', 'Deliveries per hour and mean latency, last 24 hours']) {
      const canvas = page.getByRole('img', { name });
      // Chart.js has drawn: the canvas holds pixels that are not transparent.
      await expect
        .poll(
          () =>
            canvas.evaluate((c: HTMLCanvasElement) =>
              c
                .getContext('2d')!
                .getImageData(0, 0, c.width, c.height)
                .data.some((v, i) => i % 4 === 3 && v > 0),
            ),
          {
            timeout: 20_000,
          },
        )
        .toBe(true);
    }
    await page.screenshot({ path: artifactPath('dashboard.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});

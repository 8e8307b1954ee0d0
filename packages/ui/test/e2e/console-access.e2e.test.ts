// @vitest-environment node
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.js';
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

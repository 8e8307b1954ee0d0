// @vitest-environment node
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// The phones package's own fake Snom (its remote-control URLs behind Basic auth), on loopback.
import { FakeSnom } from '@callhook/phones/testing';
import { freePort } from '@callhook/test-support';
import { artifactPath, launchChromium } from './support/browser.js';
import { startConsoleServer, type ConsoleServer } from './support/console-server.js';

/** Bounds a hang only: a busy 2-core machine may take many seconds for a line to check its phone. */
const WAIT_MS = 90_000;

let browser: Browser;
let context: BrowserContext | null = null;
let page: Page | null = null;
let server: ConsoleServer | null = null;
let phone: FakeSnom | null = null;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await context?.close();
  await server?.stop();
  await phone?.close();
  context = page = server = phone = null;
});

describe('console in Chromium: a desk-phone line on a fake Snom', () => {
  it('shows the line ready, "Set up phone" shows the setup text the server answers, and a wrong password shows as status with the fix', async () => {
    phone = await new FakeSnom({ username: 'admin', password: 'phone-pw' }).start();
    const port = await freePort();
    server = await startConsoleServer({
      inbound: { enabled: true, port: 61234 },
      lines: [
        {
          id: 'desk-12',
          type: 'deskphone',
          vendor: 'snom',
          url: phone.url,
          username: 'admin',
          password: 'phone-pw',
          account: '987@example.com',
          callback: { listen: '127.0.0.1', port, url: `http://127.0.0.1:${port}` },
        },
      ],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    page = await context.newPage();
    await page.goto(`${server.origin}/console/#lines`);

    const line = page.getByRole('group', { name: 'Line desk-12 (deskphone)' });
    await line.getByText(/^Status: Phone ready/).waitFor({ timeout: WAIT_MS });
    await line.getByRole('button', { name: 'Set up phone' }).click();
    const setup = line.getByRole('region', { name: 'Phone setup for line desk-12' });
    await setup.waitFor({ timeout: WAIT_MS });
    const shown = await setup.locator('pre').textContent();
    const answered = (await (await fetch(`${server.origin}/api/v1/lines/desk-12/setup`)).json()) as { text: string };
    expect(shown).toBe(answered.text);
    expect(shown).toContain(`Desk phone line "desk-12": snom at ${phone.url}, account 987@example.com`);
    expect(shown).toMatch(new RegExp(`action_incoming_url = http://127\\.0\\.0\\.1:${port}/phone/[A-Za-z0-9_-]{32}/`));
    await expect(setup.getByRole('button', { name: 'Copy the setup text of line desk-12' }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: artifactPath('deskphone-setup.png'), fullPage: true });

    // The phone's admin password changed on the phone: the line says so, and what to fix.
    await line.getByRole('button', { name: 'Replace password' }).click();
    await line.getByLabel('New password').fill('old-pw');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText(/^Settings applied\./).waitFor({ timeout: WAIT_MS });
    const failed = line.getByText(/^Status: Phone check failed/);
    await failed.waitFor({ timeout: WAIT_MS });
    expect(await failed.textContent()).toContain("401 from the phone: check username and password in the line settings (the phone's web admin login)");
    // The password keys the event URLs' secret: the text shown before Apply is gone, and a new one differs.
    await expect(setup.count()).resolves.toBe(0);
    await line.getByRole('button', { name: 'Set up phone' }).click();
    await setup.waitFor({ timeout: WAIT_MS });
    const renewed = await setup.locator('pre').textContent();
    expect(renewed).not.toBe(shown);
    expect(renewed).toBe(((await (await fetch(`${server.origin}/api/v1/lines/desk-12/setup`)).json()) as { text: string }).text);
    await page.screenshot({ path: artifactPath('deskphone-status.png'), fullPage: true });
  });
});

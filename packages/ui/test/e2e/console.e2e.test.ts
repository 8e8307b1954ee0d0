// @vitest-environment node
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { artifactPath, launchChromium } from './support/browser.js';
import { startConsoleServer, type ConsoleServer } from './support/console-server.js';
import { startReceiver, type LoopbackReceiver } from './support/loopback-receiver.js';

let browser: Browser;
let server: ConsoleServer;
let receiver: LoopbackReceiver;
let page: Page;

const simulator = (path: 'incoming' | 'answer' | 'hangup', body: object) =>
  fetch(`${server.origin}/api/v1/simulator/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const settingsNow = async () =>
  ((await (await fetch(`${server.origin}/api/v1/settings`)).json()) as { settings: { inbound: Record<string, unknown> } }).settings;

beforeAll(async () => {
  browser = await launchChromium();
  receiver = await startReceiver();
});

afterAll(async () => {
  await browser?.close();
  await receiver?.close();
});

beforeEach(async () => {
  // Every inbound action stays off: the console's buttons use the control API, not inbound Action URLs.
  server = await startConsoleServer({ inbound: { enabled: true, port: 61234 } });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterEach(async () => {
  await page?.close();
  await server?.stop();
});

async function open(hash: string): Promise<void> {
  await page.goto(`${server.origin}/console/#${hash}`);
  await page.getByText('Line ready').waitFor();
}

describe('console in Chromium against the real server on the simulated line', () => {
  it('sets up a slot in the UI and its delivery reaches a loopback receiver', async () => {
    await open('action-urls');
    await page.getByRole('switch', { name: 'Enable Action URLs' }).check();
    await page
      .getByRole('combobox', { name: 'Incoming call - Enter your Action URL' })
      .fill(`${receiver.origin}/hook?from=<$remote_party>&name=<$remote_alias>`);
    await expect(page.locator('#slot-1-preview output').textContent()).resolves.toBe(`${receiver.origin}/hook?from=420&name=%22Michael%20D785%22%20(420)`);
    await page.getByRole('group', { name: 'Action URL 1' }).getByLabel('Activate this Action URL').check();
    await page.screenshot({ path: artifactPath('action-urls.png'), fullPage: true });
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Settings applied.').waitFor();

    expect((await simulator('incoming', { from: '420', name: 'Michael D785' })).status).toBe(200);
    const hit = await receiver.waitFor((r) => r.url.startsWith('/hook?'));
    expect(hit.url).toBe('/hook?from=420&name=%22Michael%20D785%22%20(420)');

    await page.getByRole('link', { name: 'Deliveries' }).click();
    const row = page.getByRole('row').filter({ hasText: '/hook?from=420' });
    await row.getByRole('cell', { name: 'delivered' }).waitFor();
    await expect(row.getByRole('cell', { name: '200' }).count()).resolves.toBe(1);
    await page.screenshot({ path: artifactPath('deliveries.png'), fullPage: true });
  });

  it('tests a slot once from the dialog and replays its delivery from the log', async () => {
    await open('action-urls');
    await page.getByRole('combobox', { name: 'Incoming call - Enter your Action URL' }).fill(`${receiver.origin}/probe?id=<$call_guid>`);
    await page.getByRole('button', { name: 'Test Action URL 1' }).click();
    await page.getByText(/^Test: delivered HTTP 200 in \d+ ms$/).waitFor();
    await receiver.waitFor((r) => r.url === '/probe?id=2843c1f9-1f8b-375a-0e01-e8682f222c10');

    // The tested URL was never applied: leaving the page asks first, and this test chooses to leave.
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => {
        resolve(dialog.message());
        void dialog.accept();
      }),
    );
    await page.getByRole('link', { name: 'Deliveries' }).click();
    expect(await asked).toMatch(/changes that are not applied/);
    await page.getByRole('button', { name: 'Replay delivery of Action URL 1 (inbound)' }).first().click();
    await page.getByText('Replayed Action URL 1: delivered').waitFor();
    await expect.poll(() => receiver.received.filter((r) => r.url.startsWith('/probe?')).length).toBe(2);
  });

  it('answers a simulated incoming call from the Calls page', async () => {
    await open('calls');
    await simulator('incoming', { from: '420', name: 'Michael D785' });
    const answer = page.getByRole('button', { name: 'Answer call from "Michael D785" (420)' });
    await answer.waitFor();
    await page.getByRole('link', { name: /Calls.*1 ringing/ }).waitFor();
    await answer.click();
    await page.getByRole('cell', { name: 'connected' }).waitFor();
    expect((await server.activeCalls())[0]?.state).toBe('connected');
    await page.screenshot({ path: artifactPath('calls.png'), fullPage: true });

    await page.getByRole('button', { name: 'Hang up call with "Michael D785" (420)' }).click();
    await page.getByRole('cell', { name: 'answered' }).waitFor();
    expect(await server.activeCalls()).toEqual([]);
    await page.screenshot({ path: artifactPath('calls-history.png'), fullPage: true });
  });

  it('shows an invalid template inline at the offending position', async () => {
    await open('action-urls');
    const url = page.getByRole('combobox', { name: 'Incoming call - Enter your Action URL' });
    await url.fill('http://127.0.0.1:9/in?n=<$remote_partyy>');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(/Error at position 25: .*remote_partyy/);
    await expect(url.getAttribute('aria-invalid')).resolves.toBe('true');
    await page.screenshot({ path: artifactPath('action-urls-invalid.png'), fullPage: true });
    await page.getByRole('button', { name: 'Go to error' }).click();
    await expect(url.evaluate((input: HTMLInputElement) => input.selectionStart)).resolves.toBe(24);
  });

  it('works by keyboard alone on the settings pages', async () => {
    await open('inbound');
    await page.screenshot({ path: artifactPath('inbound.png'), fullPage: true });
    // From the page top: skip link, four page links, then the first field of the page.
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to content');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('inbound-enabled');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('61299');
    await page.keyboard.press('Tab'); // make_call switch
    await page.keyboard.press('Space');
    await page.keyboard.press('Enter'); // Enter in the form applies
    await page.getByText(/Settings applied/).waitFor();
    const inbound = (await settingsNow()).inbound as { port: number; actions: Record<string, boolean> };
    expect(inbound.port).toBe(61299);
    expect(inbound.actions.make_call).toBe(true);
    await page.getByText('http://127.0.0.1:61299/?action=make_call&target=123').waitFor();

    // Action URLs: placeholder completion and Apply without a mouse.
    await page.goto(`${server.origin}/console/#action-urls`);
    await page.getByText('Line ready').waitFor();
    await page.getByRole('switch', { name: 'Enable Action URLs' }).focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab'); // slot 1 event
    await page.keyboard.press('Tab'); // slot 1 URL
    await page.keyboard.type(`${receiver.origin}/kb?n=<$remote_pa`);
    await page.getByRole('option', { name: /<\$remote_party>/ }).waitFor();
    await page.keyboard.press('Enter');
    await expect(page.locator('#slot-1-url').inputValue()).resolves.toBe(`${receiver.origin}/kb?n=<$remote_party>`);
    await page.keyboard.press('Tab'); // Activate
    await page.keyboard.press('Space');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.getByText('Settings applied.').waitFor();
    const slots = ((await settingsNow()) as unknown as { actionUrls: { enabled: boolean; slots: { url: string; active: boolean }[] } }).actionUrls;
    expect(slots.enabled).toBe(true);
    expect(slots.slots).toMatchObject([{ url: `${receiver.origin}/kb?n=<$remote_party>`, active: true }]);
  });

  it('opens a token-protected console with #token= and keeps the token out of the address bar', async () => {
    await server.stop();
    const token = 'e2e-token-0123456789abcdef';
    server = await startConsoleServer({ inbound: { enabled: true, token } });
    expect((await fetch(`${server.origin}/api/v1/calls`)).status).toBe(401);
    await page.goto(`${server.origin}/console/#token=${token}`);
    await page.getByText('Line ready').waitFor();
    expect(page.url()).toBe(`${server.origin}/console/`);
    await page.getByRole('link', { name: 'Calls' }).click();
    await simulator('incoming', { from: '420', name: null }).then(async (r) => expect(r.status).toBe(401));
    await fetch(`${server.origin}/api/v1/simulator/incoming`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ from: '420' }),
    });
    await page.getByRole('button', { name: 'Answer call from 420' }).click();
    await page.getByRole('cell', { name: 'connected' }).waitFor();

    // The inbound page: the token is "set", the example URLs say <your token> until "Show token in URLs".
    await page.getByRole('link', { name: 'Inbound' }).click();
    await page.getByText('Token: set').waitFor();
    await page.getByRole('switch', { name: 'Enable Inbound Action-URL "make_call"' }).check();
    await page.getByText('/?action=make_call&target=123&token=<your token>').first().waitFor();
    expect(await page.content()).not.toContain(token);
    await page.getByRole('button', { name: 'Show token in URLs' }).click();
    await page.getByText(`/?action=make_call&target=123&token=${token}`).first().waitFor();
    await page.getByRole('button', { name: 'Hide token in URLs' }).click();
    // Apply sends {"set": true} back: the token stays, the console keeps working with it.
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Settings applied.').waitFor();
    const after = await fetch(`${server.origin}/api/v1/settings`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(200);
    const body = await after.text();
    expect(body).not.toContain(token);
    expect(JSON.parse(body).settings.inbound).toMatchObject({ token: { set: true }, actions: { make_call: true } });
  });
});

/// <reference lib="dom" />
import { silentLogger, type EngineEvent } from '@callhook/core';
import { IPC_CHANNELS } from '@callhook/ui/bridge';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { startEngineHost, type EngineHost } from '../src/main/engine-host.js';
import { registerIpcHandlers } from '../src/main/ipc-handlers.js';
import { serveRenderer } from './support/renderer-page.js';
import { FakeIpcMain } from './support/fakes.js';

/**
 * The built desktop renderer in Chromium, its preload bridge standing in as the preload builds it
 * (one `invoke` per method on `IPC_CHANNELS`) but carried to the real main-process side: the IPC
 * handlers over a desktop engine host with a desk-phone line. The "phone" is a loopback web server
 * with a Basic login (what the Snom driver probes).
 */
const WAIT = { timeout: 90_000 };
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let browser: Browser;
let renderer: Awaited<ReturnType<typeof serveRenderer>>;
let dir: string | null = null;
let host: EngineHost | null = null;
let phone: Server | null = null;
let page: Page | null = null;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  renderer = await serveRenderer();
});

afterAll(async () => {
  await browser?.close();
  await renderer?.close();
});

afterEach(async () => {
  await page?.close();
  await host?.stop();
  if (phone) {
    phone.closeAllConnections();
    await new Promise((resolve) => phone!.close(resolve));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  page = host = phone = dir = null;
});

/** A port free right now on 127.0.0.1. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('desktop renderer bundle in Chromium: a desk-phone line through the IPC bridge', { timeout: 240_000 }, () => {
  it('shows the line ready and its setup text from main, then a wrong password as status with the fix', async () => {
    const login = `Basic ${Buffer.from('admin:phone-pw').toString('base64')}`;
    phone = createServer((req, res) =>
      req.headers.authorization === login
        ? res.writeHead(200).end('<html>snom</html>')
        : res.writeHead(401, { 'www-authenticate': 'Basic realm="phone"' }).end(),
    );
    await new Promise<void>((resolve) => phone!.listen(0, '127.0.0.1', resolve));
    const phoneUrl = `http://127.0.0.1:${(phone.address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), 'callhook-desktop-lines-'));
    host = await startEngineHost({ userDataDir: dir, browser: { open: async () => undefined }, logger: silentLogger });
    const port = await freePort();
    await host.backend.saveSettings({
      lines: [
        {
          id: 'desk-12',
          type: 'deskphone',
          vendor: 'snom',
          url: phoneUrl,
          username: 'admin',
          password: 'phone-pw',
          account: '987@example.com',
          callback: { listen: '127.0.0.1', port, url: `http://127.0.0.1:${port}` },
        },
      ],
    });
    const ipc = new FakeIpcMain();
    registerIpcHandlers(ipc, host.backend, () => true);

    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const current = page;
    await current.exposeFunction('__invoke', (channel: string, ...args: unknown[]) => ipc.invoke(channel, ...args));
    host.onEvent((event) => void current.evaluate((e) => (window as unknown as { __emit(e: EngineEvent): void }).__emit(e), event).catch(() => undefined));
    await current.addInitScript((channels: Record<string, string>) => {
      const w = window as unknown as Record<string, unknown> & { __invoke(channel: string, ...args: unknown[]): Promise<unknown> };
      const listeners = new Set<(event: unknown) => void>();
      w.__emit = (event: unknown) => listeners.forEach((listener) => listener(event));
      const bridge: Record<string, unknown> = {
        onEngineEvent(listener: (event: unknown) => void) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      };
      for (const [method, channel] of Object.entries(channels))
        if (method !== 'engineEvent') bridge[method] = (...args: unknown[]) => w.__invoke(channel, ...args);
      w.callhook = bridge;
      w.callhookAudio = { openAudio: async () => undefined, getDevices: async () => ({ input: null, output: null }), saveDevices: async (d: unknown) => d };
    }, IPC_CHANNELS);
    await current.goto(`${renderer.url}#lines`);

    const line = current.getByRole('group', { name: 'Line desk-12 (deskphone)' });
    await line.getByText(/^Status: Phone ready/).waitFor(WAIT);
    await line.getByRole('button', { name: 'Set up phone' }).click();
    const setup = line.getByRole('region', { name: 'Phone setup for line desk-12' });
    await setup.waitFor(WAIT);
    const shown = await setup.locator('pre').textContent();
    expect(shown).toBe(host.backend.getLineSetup('desk-12').text);
    expect(shown).toContain(`action_incoming_url = http://127.0.0.1:${port}/phone/`);

    await line.getByRole('button', { name: 'Replace password' }).click();
    await line.getByLabel('New password').fill('old-pw');
    await current.getByRole('button', { name: 'Apply' }).click();
    const failed = line.getByText(/^Status: Phone check failed/);
    await failed.waitFor(WAIT);
    expect(await failed.textContent()).toContain('401 from the phone: check username and password in the line settings');
  });
});

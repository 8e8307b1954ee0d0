/// <reference lib="dom" />
import { SPEC_EXAMPLE_CALL, type CallSnapshot } from '@callhook/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromiumWithMicrophone, powerAt, serveRenderer, writeToneWav } from './support/renderer-page.js';

/**
 * The built desktop renderer (dist/renderer, the console with its audio) in Chromium, with the
 * preload's two bridges stubbed in the page: `window.callhook` answers one connected call, and
 * `window.callhookAudio.openAudio` posts a MessageChannel end tagged as the preload does, keeping the
 * other end as "main" (`window.__main`, frames in `window.__frames`).
 */
interface Stubbed {
  __main: MessagePort;
  __frames: Int16Array[];
  __saved: unknown[];
}
const DEADLINE = { timeout: 60_000 };
const CALL: CallSnapshot = { ...SPEC_EXAMPLE_CALL, state: 'connected', connectedAt: '2026-01-01T10:00:00.000+01:00' };

let dir: string;
let browser: Browser;
let server: Awaited<ReturnType<typeof serveRenderer>>;
let page: Page;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callhook-renderer-'));
  writeToneWav(join(dir, 'tone.wav'), 1000, 48_000, 2);
  browser = await launchChromiumWithMicrophone(join(dir, 'tone.wav'));
  server = await serveRenderer();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  page = await browser.newPage();
  await page.addInitScript((call) => {
    const ok = (value: unknown) => Promise.resolve({ ok: true, value });
    const w = window as unknown as Record<string, unknown> & Stubbed;
    w.__frames = [];
    w.__saved = [];
    w.callhook = {
      getSettings: () => ok(null),
      saveSettings: () => ok(null),
      getCalls: () => ok({ active: [call], recent: [] }),
      getDeliveries: () => ok([]),
      getLineStatus: () => ok({ state: 'ready', detail: 'stub line' }),
      getLineTypes: () => ok([]),
      getLines: () => ok([{ id: 'default', type: 'sip', status: { state: 'ready', detail: 'stub line' }, setup: false }]),
      getLineSetup: () => Promise.resolve({ ok: false, code: 'no_such_line', message: 'no desk-phone line' }),
      execute: () => ok(null),
      testSlot: () => ok(null),
      replayDelivery: () => ok(null),
      onEngineEvent: () => () => undefined,
    };
    w.callhookAudio = {
      openAudio: async () => {
        const channel = new MessageChannel();
        w.__main = channel.port1;
        channel.port1.onmessage = (event) => event.data instanceof Int16Array && w.__frames.push(event.data);
        window.postMessage('callhook:audio-port', '*', [channel.port2]);
      },
      getDevices: async () => ({ input: null, output: null }),
      saveDevices: async (devices: unknown) => (w.__saved.push(devices), devices),
    };
  }, CALL);
  await page.goto(`${server.url}#calls`);
  await page.getByRole('heading', { name: 'Call audio' }).waitFor(DEADLINE);
});

afterEach(async () => {
  await page?.close();
});

describe('desktop renderer bundle in Chromium: call audio through the console', { timeout: 150_000 }, () => {
  it('carries the microphone to main as 8 kHz frames with the tone, shows the level, and mutes from the button', async () => {
    await page.waitForFunction(() => '__main' in window, undefined, DEADLINE);
    await page.evaluate((call) => (window as unknown as Stubbed).__main.postMessage({ type: 'attach', call, sampleRate: 8000 }), CALL.guid);
    await page.getByText('Audio: "Michael D785" (420)').waitFor(DEADLINE);
    await page.waitForFunction(() => (window as unknown as Stubbed).__frames.length >= 60, undefined, DEADLINE);
    const frames = await page.evaluate(() => (window as unknown as Stubbed).__frames.slice(10, 60).map((f) => Array.from(f)));
    expect(new Set(frames.map((f) => f.length))).toEqual(new Set([160]));
    const samples = frames.flat();
    // The tone's frequency carries far more power than its neighbours and the band's other tones.
    const tone = powerAt(samples, 8000, 1000);
    for (const other of [500, 750, 1250, 2000, 3000]) expect(tone).toBeGreaterThan(20 * powerAt(samples, 8000, other));
    await page.waitForFunction(() => Number((document.querySelector('meter[id$="in-level"]') as HTMLMeterElement | null)?.value) > 0, undefined, DEADLINE);

    await page.getByRole('button', { name: 'Mute' }).click();
    await page.getByRole('button', { name: 'Unmute', pressed: true }).waitFor(DEADLINE);
    const from = await page.evaluate(() => (window as unknown as Stubbed).__frames.length);
    await page.waitForFunction((from) => (window as unknown as Stubbed).__frames.slice(from).some((f) => f.every((s) => s === 0)), from, DEADLINE);
    const first = await page.evaluate((from) => from + (window as unknown as Stubbed).__frames.slice(from).findIndex((f) => f.every((s) => s === 0)), from);
    await page.waitForFunction((n) => (window as unknown as Stubbed).__frames.length >= n, first + 20, DEADLINE);
    const muted = await page.evaluate((first) => (window as unknown as Stubbed).__frames.slice(first, first + 20).map((f) => f.every((s) => s === 0)), first);
    expect(muted).toEqual(Array(20).fill(true));
  });

  it('says "no audio on this line" when main reports the line has none', async () => {
    await page.waitForFunction(() => '__main' in window, undefined, DEADLINE);
    await page.evaluate((call) => (window as unknown as Stubbed).__main.postMessage({ type: 'unavailable', call, reason: 'no audio on this line' }), CALL.guid);
    await page.getByText('"Michael D785" (420): no audio on this line').waitFor(DEADLINE);
  });

  it('lists the fake microphones and saves the one picked', async () => {
    await page.waitForFunction(() => '__main' in window, undefined, DEADLINE);
    await page.evaluate((call) => (window as unknown as Stubbed).__main.postMessage({ type: 'attach', call, sampleRate: 16000 }), CALL.guid);
    await page.getByText('Audio: "Michael D785" (420)').waitFor(DEADLINE);
    const picker = page.getByLabel('Microphone', { exact: true });
    await page.waitForFunction(() => (document.querySelector('select[id$="-input"]') as HTMLSelectElement | null)!.options.length > 1, undefined, DEADLINE);
    const choice = await picker.locator('option').nth(1).getAttribute('value');
    await picker.selectOption(choice!);
    await page.waitForFunction(() => (window as unknown as Stubbed).__saved.length > 0, undefined, DEADLINE);
    expect(await page.evaluate(() => (window as unknown as Stubbed).__saved)).toEqual([{ input: choice, output: null }]);
  });
});

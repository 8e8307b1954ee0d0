// @vitest-environment node
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type * as AudioModule from '../../src/audio/index.js';
import type { AudioSession } from '../../src/audio/audio-session.js';
import { dominantFrequency, rms } from '@callhook/test-support';
import { startAudioPageServer, type AudioPageServer } from './support/audio-page-server.js';
import { launchChromium } from './support/browser.js';
import { writeToneWav } from './support/tone-wav.js';

/** What the harness page (support/audio-page-server.ts) keeps on `window.harness`. */
interface Harness {
  /** The built `@callhook/ui/audio` module as the page imported it. */
  audio: typeof AudioModule;
  session: AudioSession;
  main: MessagePort;
  frames: Int16Array[];
}
const TONE_HZ = 1000;
// Polled on an interval, not on animation frames: a headless page that is not in front may get none.
const DEADLINE = { timeout: 60_000, polling: 100 };

let dir: string;
let browser: Browser;
let server: AudioPageServer;
let page: Page;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callhook-audio-'));
  const wav = join(dir, 'tone.wav');
  writeToneWav(wav, { frequency: TONE_HZ, sampleRate: 48_000, seconds: 2, amplitude: 0.5 });
  browser = await launchChromium([
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}`,
    '--autoplay-policy=no-user-gesture-required',
  ]);
  server = await startAudioPageServer();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  page.on('response', (response) => void (response.status() >= 400 && problems.push(`HTTP ${response.status()} for ${response.url()}`)));
  await page.goto(server.url);
  const ready = await page
    .waitForFunction(() => ('harness' in window ? 'ready' : 'harnessError' in window ? 'failed' : false), undefined, DEADLINE)
    .then(
      (handle) => handle.jsonValue(),
      (error: Error) => `not ready: ${error.message}`,
    );
  if (ready !== 'ready') throw new Error(`the harness page did not start (${ready}): ${problems.join('; ') || 'no page error or failed request seen'}`);
});

afterEach(async () => {
  await page?.evaluate(() => (window as unknown as { harness: Harness }).harness.session.close()).catch(() => undefined);
  await page?.close();
});

/** Tells the page's session, as main would, that `call` now has audio at `sampleRate` Hz; waits until it is live. */
async function attach(sampleRate: number, call = 'call-1'): Promise<void> {
  await page.evaluate(([call, sampleRate]) => (window as unknown as { harness: Harness }).harness.main.postMessage({ type: 'attach', call, sampleRate }), [
    call,
    sampleRate,
  ] as const);
  await page.waitForFunction(() => (window as unknown as { harness: Harness }).harness.session.state().status !== 'starting', undefined, DEADLINE);
  expect(await page.evaluate(() => (window as unknown as { harness: Harness }).harness.session.state())).toMatchObject({ status: 'live', call, sampleRate });
}

/** Waits until at least `count` frames reached main, then returns frames `from`.. as arrays. */
async function framesReaching(count: number, from = 0): Promise<number[][]> {
  await page.waitForFunction((count) => (window as unknown as { harness: Harness }).harness.frames.length >= count, count, DEADLINE);
  return page.evaluate((from) => (window as unknown as { harness: Harness }).harness.frames.slice(from).map((f) => Array.from(f)), from);
}

const frameCount = () => page.evaluate(() => (window as unknown as { harness: Harness }).harness.frames.length);
const sessionState = () => page.evaluate(() => (window as unknown as { harness: Harness }).harness.session.state());

// Each wait below is a hang bound (60 s); the test's own bound leaves room for two on a loaded machine.
describe('desktop audio in Chromium (fake microphone playing a 1 kHz tone WAV)', { timeout: 150_000 }, () => {
  it.each([8_000, 16_000, 48_000])('captures 20 ms Int16 frames at %i Hz carrying the tone', async (sampleRate) => {
    await attach(sampleRate);
    // Skip the first 10 frames (the microphone and the resampler starting), analyse the next second.
    const frames = (await framesReaching(60)).slice(10, 60);
    expect(new Set(frames.map((f) => f.length))).toEqual(new Set([sampleRate / 50]));
    const samples = frames.flat();
    expect(Math.abs(dominantFrequency(samples, sampleRate) - TONE_HZ)).toBeLessThan(sampleRate / 1024);
    // The browser's noise suppression and gain control shape a steady tone's level; silence is 0.
    expect(rms(samples)).toBeGreaterThan(300);
    const state = await sessionState();
    expect(state.wire.framesOut).toBeGreaterThanOrEqual(60);
    expect(state.input.rms).toBeGreaterThan(0.01);
  });

  // 16 kHz is a wideband SIP call's rate (G.722, Opus): its 320-sample frames carry a 6 kHz tone, which 8 kHz cannot.
  it.each([
    [8_000, 1000],
    [16_000, 6000],
  ])('plays frames main sends at %i Hz: a %i Hz tone shows on the output meter, silence reads silent', async (sampleRate, hz) => {
    await attach(sampleRate);
    // "Main" answers each captured frame with one frame of the tone (amplitude 0.5, RMS 0.35), so
    // it sends at the audio clock's pace, as a line would.
    await page.evaluate(
      ([sampleRate, hz]) => {
        const harness = (window as unknown as { harness: Harness }).harness;
        let n = 0;
        harness.main.onmessage = (event) => {
          if (!(event.data instanceof Int16Array)) return;
          const frame = new Int16Array(sampleRate / 50);
          for (let i = 0; i < frame.length; i++, n++) frame[i] = Math.round(16384 * Math.sin((2 * Math.PI * hz * n) / sampleRate));
          harness.main.postMessage(frame);
        };
      },
      [sampleRate, hz] as const,
    );
    await page.waitForFunction(() => (window as unknown as { harness: Harness }).harness.session.state().output.rms > 0.2, undefined, DEADLINE);
    const playing = await sessionState();
    expect(playing.wire.framesIn).toBeGreaterThan(0);
    expect(playing.wire.droppedBy.wrong_size).toBe(0);
    expect(playing.output.peak).toBeLessThanOrEqual(0.6);

    // Now main sends silence instead: the output meter falls to zero.
    await page.evaluate(() => {
      const harness = (window as unknown as { harness: Harness }).harness;
      harness.main.onmessage = (event) => event.data instanceof Int16Array && harness.main.postMessage(new Int16Array(event.data.length));
    });
    await page.waitForFunction(() => (window as unknown as { harness: Harness }).harness.session.state().output.rms === 0, undefined, DEADLINE);
  });

  it('sends silent frames while muted (the input meter still shows the microphone), and the tone again after unmuting', async () => {
    await attach(8_000);
    await framesReaching(10);
    const mutedFrom = await page.evaluate(() => {
      const harness = (window as unknown as { harness: Harness }).harness;
      harness.session.setMuted(true);
      return harness.frames.length;
    });
    // The first all-zero frame after muting marks the mute taking effect in the worklet (frames at
    // start-up may be silent too, hence only those after); every later frame is silent as well.
    await page.waitForFunction(
      (from) => (window as unknown as { harness: Harness }).harness.frames.slice(from).some((f) => f.every((s) => s === 0)),
      mutedFrom,
      DEADLINE,
    );
    const firstSilent = await page.evaluate(
      (from) => from + (window as unknown as { harness: Harness }).harness.frames.slice(from).findIndex((f) => f.every((s) => s === 0)),
      mutedFrom,
    );
    const muted = await framesReaching(firstSilent + 25, firstSilent);
    expect(muted.every((f) => f.every((s) => s === 0))).toBe(true);
    expect((await sessionState()).muted).toBe(true);
    await page.waitForFunction(() => (window as unknown as { harness: Harness }).harness.session.state().input.rms > 0.01, undefined, DEADLINE);

    await page.evaluate(() => (window as unknown as { harness: Harness }).harness.session.setMuted(false));
    const after = await frameCount();
    await page.waitForFunction(
      (after) => (window as unknown as { harness: Harness }).harness.frames.slice(after).some((f) => f.some((s) => s !== 0)),
      after,
      DEADLINE,
    );
  });

  it('drops and counts every bad message from main, and keeps carrying audio', async () => {
    await attach(8_000);
    await page.evaluate(() => {
      const main = (window as unknown as { harness: Harness }).harness.main;
      main.postMessage('hello');
      main.postMessage({ type: 'attach' });
      main.postMessage({ type: 'attach', call: 'x', sampleRate: 1 });
      main.postMessage(new Int16Array(100));
      main.postMessage(new Float32Array(160));
      main.postMessage(new Uint8Array(7));
    });
    await page.waitForFunction(() => (window as unknown as { harness: Harness }).harness.session.state().wire.dropped >= 6, undefined, DEADLINE);
    const state = await sessionState();
    expect(state.wire.dropped).toBe(6);
    expect(state.wire.droppedBy).toEqual({ bad_control: 3, wrong_size: 2, not_a_frame: 1, no_call: 0 });
    expect(state).toMatchObject({ status: 'live', call: 'call-1' });
    const before = await frameCount();
    await framesReaching(before + 5);
  });

  it('stops on detach, reports "no audio" for a line without it, and counts frames that come with no call', async () => {
    await attach(8_000);
    await page.evaluate(() => (window as unknown as { harness: Harness }).harness.main.postMessage({ type: 'detach', call: 'call-1' }));
    await page.waitForFunction(() => (window as unknown as { harness: Harness }).harness.session.state().status === 'idle', undefined, DEADLINE);
    await page.evaluate(() => {
      const main = (window as unknown as { harness: Harness }).harness.main;
      main.postMessage({ type: 'unavailable', call: 'call-2', reason: 'no audio on this line' });
      main.postMessage(new Int16Array(160));
    });
    await page.waitForFunction(() => (window as unknown as { harness: Harness }).harness.session.state().wire.droppedBy.no_call === 1, undefined, DEADLINE);
    expect(await sessionState()).toMatchObject({ status: 'unavailable', call: 'call-2', detail: 'no audio on this line' });
  });

  it('takes the port the preload posts to the window (tagged, one port), ignoring other messages', async () => {
    const result = await page.evaluate(async () => {
      const { audio } = (window as unknown as { harness: Harness }).harness;
      const channel = new MessageChannel();
      const decoy = new MessageChannel();
      const bridge = {
        // As the preload does when main posts the port: first an unrelated message with a port, then the tagged one.
        openAudio: async () => {
          window.postMessage('something else', '*', [decoy.port2]);
          window.postMessage(audio.AUDIO_PORT_MESSAGE, '*', [channel.port2]);
        },
        getDevices: async () => ({ input: null, output: null }),
        saveDevices: async (d: { input: string | null; output: string | null }) => d,
      };
      const port = await audio.openDesktopAudioPort(bridge);
      const echoed = new Promise((resolve) => (channel.port1.onmessage = (event) => resolve(event.data)));
      port.postMessage('ping');
      return { echoed: await echoed };
    });
    expect(result).toEqual({ echoed: 'ping' });
  });
});

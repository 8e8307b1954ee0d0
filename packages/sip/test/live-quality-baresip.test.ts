import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, loadSettings, simulatorLine, standardSinks, type CallSnapshot, type EngineEvent, type FetchRequest } from '@callhook/core';
import { waitFor } from '@callhook/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSipLine, cryptoRandom, sipLinePlugin, systemClock, type SipLineSettings } from '../src/index.js';
import { makeToneWav } from './support/audio-analysis.js';
import { startBaresip, type Baresip } from './support/baresip.js';

/**
 * Live call quality (issue 12) with a real peer: the engine drives a SIP line that calls baresip
 * directly on loopback (no registrar); baresip answers and plays a tone. While the call is up the
 * line's `quality` events put the figures into the call's snapshot, with no Action URL for them.
 */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'callhook-live-quality-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let baresip: Baresip | undefined;
let engine: Engine | undefined;
afterEach(async () => {
  await engine?.stop(2_000).catch(() => undefined);
  await baresip?.stop();
  engine = undefined;
  baresip = undefined;
});

/** Hang bounds for a busy 2-core machine: what normally takes a second or two. */
const BOUND_MS = 30_000;
/** A short report interval so the test sees several reports within a few seconds (production: 5 s). */
const REPORT_MS = 500;
const ACTIONS = ['inbound', 'outbound', 'connected', 'hold', 'disconnected'] as const;

describe('live call quality with baresip', () => {
  it('a connected call carries quality with packets received, then an RTCP round-trip time, before hang-up; no Action URL fires for it; it ends with the final figures', async () => {
    const tone = join(dir, 'tone.wav');
    makeToneWav(tone, { hz: 1000, seconds: 30, rate: 8000 });
    baresip = await startBaresip('<sip:alice@127.0.0.1>;regint=0;answermode=auto;audio_codecs=pcmu', { sourceWav: tone });
    const requests: FetchRequest[] = [];
    const settings = loadSettings(
      {
        actionUrls: { enabled: true, slots: ACTIONS.map((on) => ({ on, url: `http://receiver.test/${on}?a=<$action>&mos=<$call_mos>` })) },
        line: { type: 'sip', aor: 'sip:303@127.0.0.1', media: { codecs: ['PCMU'] } },
      },
      { linePlugins: [simulatorLine, sipLinePlugin] },
    );
    const line = createSipLine(settings.settings.lines[0] as unknown as SipLineSettings, { qualityReportMs: REPORT_MS });
    engine = new Engine({
      lines: [{ id: 'default', line }],
      clock: systemClock,
      random: cryptoRandom,
      sinks: standardSinks({ fetcher: { fetch: async (request) => (requests.push(request), { status: 200 }) }, browser: { open: async () => undefined } }),
      settings,
    });
    const events: EngineEvent[] = [];
    engine.on((event) => events.push(event));
    await engine.start();
    const fired = () => requests.map((request) => new URL(request.url).searchParams.get('a'));

    const placed = await engine.execute({ action: 'make_call', target: `alice@127.0.0.1:${baresip.sipPort}`, force: false });
    const guid = placed.call!.guid;
    const live = (): CallSnapshot | undefined => engine!.activeCalls().find((call) => call.guid === guid);
    await waitFor(() => live()?.state === 'connected', 'baresip to answer', BOUND_MS);
    // The snapshot of the live call (GET /api/v1/calls answers these) has figures while it is up.
    await waitFor(() => (live()?.quality?.packetsReceived ?? 0) > 0, 'live quality with packets received', BOUND_MS);
    const first = live()!;
    expect(first.state).toBe('connected');
    expect(first.quality).toMatchObject({ codec: 'PCMU', packetsLost: 0 });
    expect(first.quality!.mos).toBeGreaterThanOrEqual(1);
    // Reports keep coming while the call lasts: a later one counts more packets.
    const seen = first.quality!.packetsReceived!;
    await waitFor(() => (live()?.quality?.packetsReceived ?? 0) > seen, 'a later report with more packets', BOUND_MS);
    // RTCP both ways (RFC 3550 §6.4.1): once baresip reported on one of our SRs the live figures carry the RTT.
    await waitFor(() => (live()?.quality?.rttMs ?? null) !== null, 'a live RTT from RTCP', 60_000);
    expect(live()!.quality!.rttMs).toBeLessThan(1000);
    const qualityEvents = events.filter((event): event is Extract<EngineEvent, { type: 'quality' }> => event.type === 'quality');
    expect(qualityEvents.length).toBeGreaterThanOrEqual(2);
    expect(qualityEvents.every((event) => event.call.guid === guid && event.call.state === 'connected')).toBe(true);
    // Only the call-state changes fired Action URLs: no delivery per quality report.
    await waitFor(() => fired().length >= 2, 'outbound and connected deliveries', BOUND_MS);
    expect(fired()).toEqual(['outbound', 'connected']);

    await engine.execute({ action: 'hangup', call: guid });
    await waitFor(() => engine!.call(guid)?.state === 'ended', 'the call to end', BOUND_MS);
    const ended = engine.call(guid)!;
    expect(ended.quality?.packetsReceived).toBeGreaterThanOrEqual(qualityEvents.at(-1)!.call.quality!.packetsReceived!);
    await waitFor(() => fired().length >= 3, 'the disconnected delivery', BOUND_MS);
    expect(fired()).toEqual(['outbound', 'connected', 'disconnected']);
    const reports = events.filter((event): event is Extract<EngineEvent, { type: 'quality' }> => event.type === 'quality');
    console.log(
      `live quality: ${reports.length} reports every ${REPORT_MS} ms; first ${JSON.stringify(reports[0]!.call.quality)}; final ${JSON.stringify(ended.quality)}`,
    );
    const disconnected = new URL(requests[2]!.url);
    expect(disconnected.searchParams.get('mos')).toBe(ended.quality!.mos!.toFixed(2));
    // Nothing after the end: the reports stopped before the line's `ended`.
    const endedAt = events.findIndex((event) => event.type === 'call' && event.action === 'disconnected');
    expect(endedAt).toBeGreaterThan(0);
    expect(events.slice(endedAt).some((event) => event.type === 'quality')).toBe(false);
  });
});

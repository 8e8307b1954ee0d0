import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@callhook/test-support';
import { EngineMetrics, METRICS_PENDING_LIMIT, type PromClientLoader } from '../../src/metrics/engine-metrics.js';
import { testApp, testSettings, type TestApp } from '../support/test-app.js';

let t: TestApp | null = null;
let metrics: EngineMetrics | null = null;
afterEach(async () => {
  metrics?.close();
  metrics = null;
  await t?.close();
  t = null;
});

/** prom-client through a loader that counts its calls (and can be told to fail). */
function countingLoader(fail = { now: false }): { load: PromClientLoader; calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    load: () => {
      calls += 1;
      return fail.now ? Promise.reject(new Error('no such module')) : import('prom-client').then((client) => client.default);
    },
  };
}

const slots = { actionUrls: { enabled: true, slots: [{ on: 'inbound' as const, url: 'http://127.0.0.1:9/' }] } };

describe('EngineMetrics loads prom-client lazily', () => {
  it('loads nothing until the first scrape, which reports every event from before it', async () => {
    t = await testApp(testSettings({}, slots));
    const loader = countingLoader();
    metrics = new EngineMetrics(t.engine, undefined, loader.load);
    t.line.incoming('1');
    t.line.incoming('2');
    await t.engine.dispatcher.drain(30_000);
    expect(loader.calls()).toBe(0);
    expect(metrics.loaded).toBe(false);

    const { contentType, text } = await metrics.exposition();
    expect(contentType).toContain('text/plain');
    expect(text).toContain('callhook_call_events_total{action="inbound"} 2');
    expect(text).toContain('callhook_deliveries_total{outcome="delivered",mode="http"} 2');
    expect(text).toContain('callhook_delivery_latency_seconds_count{outcome="delivered"} 2');
    expect(metrics.loaded).toBe(true);
    // Once loaded, events go straight to prom-client and it is not loaded again.
    t.line.incoming('3');
    await t.engine.dispatcher.drain(30_000);
    expect((await metrics.exposition()).text).toContain('callhook_call_events_total{action="inbound"} 3');
    expect(loader.calls()).toBe(1);
  });

  it(`loads prom-client by itself after ${METRICS_PENDING_LIMIT} events, keeping no more than that waiting`, async () => {
    t = await testApp(testSettings({}, { actionUrls: { enabled: false, slots: [] } }));
    const loader = countingLoader();
    metrics = new EngineMetrics(t.engine, undefined, loader.load);
    // Two call events per call (inbound, then disconnected when the caller hangs up).
    for (let i = 0; i < METRICS_PENDING_LIMIT / 2 - 1; i++) {
      t.line.remoteHangup(t.line.incoming(String(i)));
    }
    expect(loader.calls()).toBe(0);
    t.line.remoteHangup(t.line.incoming('last'));
    expect(loader.calls()).toBe(1);
    await waitFor(() => metrics!.loaded, 'prom-client to load');
    const { text } = await metrics.exposition();
    expect(text).toContain(`callhook_call_events_total{action="inbound"} ${METRICS_PENDING_LIMIT / 2}`);
    expect(text).toContain(`callhook_call_events_total{action="disconnected"} ${METRICS_PENDING_LIMIT / 2}`);
  });

  it('logs a failed load, answers the scrape with an error and tries again at the next', async () => {
    t = await testApp(testSettings({}, slots));
    const fail = { now: true };
    const loader = countingLoader(fail);
    const lines: string[] = [];
    metrics = new EngineMetrics(t.engine, { log: (_level, message) => void lines.push(message) }, loader.load);
    const call = t.line.incoming('1');
    await expect(metrics.exposition()).rejects.toThrow('no such module');
    expect(lines).toEqual(['metrics: cannot load prom-client (no such module); 1 observation(s) dropped']);
    fail.now = false;
    t.line.remoteHangup(call);
    const { text } = await metrics.exposition();
    expect(text).toContain('callhook_call_events_total{action="disconnected"} 1');
    expect(loader.calls()).toBe(2);
  });
});

/**
 * Desk-phone load: one engine (core Engine → templates → dispatcher → undici, as `callhook serve` runs
 * it, without the HTTP control API) watching N fake Yealink phones (1, 100, 1,000) on one shared
 * callback listener. Calls arrive at a steady rate spread over the phones; each call is three phone
 * events (incoming, connected, disconnected) and three Action URLs. Measured: event-to-Action-URL
 * latency (the fake phone's fetch of its event URL → arrival of the Action URL at a loopback
 * receiver), lost events, and process CPU per phone event. Beside it, in the same run, the same
 * engine fed by the simulated line (no phone HTTP at all) as the baseline. Everything runs in this one
 * process, so the desk-phone CPU includes the fake phones' own HTTP client work: the ratio to the
 * simulated line is an upper bound of what watching phones costs.
 *
 * Run: `pnpm --filter @callhook/phones bench` (env BENCH_CALLS, BENCH_RATE to change the load).
 */
import { Engine, loadSettings, SimulatedLine, standardSinks, type Line } from '@callhook/core';
import { cryptoRandom, headlessBrowser, systemClock, UndiciFetcher } from '@callhook/server';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { createDriver, DeskPhoneLine, DeskPhoneLineSchema, EventListeners, setupEntries, type DeskPhoneSettings } from '../src/index.js';
import { FakeYealink } from '../test/support/fake-yealink.js';
import { freePort } from '../test/support/free-port.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 300);
/** Calls started per second, over all phones (three events each). */
const RATE = Number(process.env.BENCH_RATE ?? 50);
const PHONES = [1, 100, 1_000];
const DEADLINE_MS = 60_000;

const SLOT_OF: Record<string, string> = { incoming: 'inbound', connected: 'connected', disconnected: 'disconnected' };

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A loopback receiver noting when each Action URL arrived, by `<slot>:<number>`. */
async function receiver() {
  const arrivals = new Map<string, number>();
  const server = createServer((req, res) => {
    const at = performance.now();
    const match = /^\/(\w+)\?n=([^&]+)/.exec(req.url ?? '');
    if (match) arrivals.set(`${match[1]}:${decodeURIComponent(match[2]!)}`, at);
    req.resume();
    res.end('ok');
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

function engineFor(lines: { id: string; line: Line }[], url: string, fetcher: UndiciFetcher): Engine {
  const settings = loadSettings({
    actionUrls: { enabled: true, slots: Object.values(SLOT_OF).map((on) => ({ on, url: `${url}/${on}?n=<$remote_party>&g=<$call_guid>&lp=<$local_party>` })) },
  });
  return new Engine({
    lines,
    clock: systemClock,
    random: cryptoRandom,
    sinks: standardSinks({ fetcher, browser: headlessBrowser }),
    settings,
    historyLimit: CALLS,
    // Room for every delivery of the run: the bench measures latency, not the dispatcher's back-pressure.
    maxQueuedDeliveries: 1_000_000,
  });
}

interface Result {
  name: string;
  events: number;
  lost: number;
  p50: number;
  p99: number;
  cpuUsPerEvent: number;
  /** p99 event-loop delay during the scenario, ms. */
  loopDelayP99Ms?: number;
  /** How long starting the engine (every line probing its phone) took, ms. */
  startMs?: number;
}

/** Drives CALLS calls at RATE per second: `begin(i)` rings call i, then `answer(i)` and `end(i)` 20 ms apart; resolves after the last `end`. */
async function drive(begin: (i: number) => void, answer: (i: number) => void, end: (i: number) => void): Promise<void> {
  const gap = 1_000 / RATE;
  const started = performance.now();
  let ended = 0;
  let allEnded: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allEnded = resolve));
  for (let i = 0; i < CALLS; i++) {
    const wait = started + i * gap - performance.now();
    if (wait > 1) await sleep(wait);
    begin(i);
    setTimeout(() => {
      answer(i);
      setTimeout(() => {
        end(i);
        if (++ended === CALLS) allEnded();
      }, 20);
    }, 20);
  }
  await done;
}

/** Event-loop delay of this process while a scenario runs (stalls: GC, CPU starvation, long tasks). */
function loopDelay() {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return () => {
    histogram.disable();
    return round(histogram.percentile(99) / 1e6, 1);
  };
}

async function collect(name: string, sentAt: Map<string, number>, arrivals: Map<string, number>, cpuBefore: NodeJS.CpuUsage): Promise<Result> {
  const until = performance.now() + DEADLINE_MS;
  while (arrivals.size < sentAt.size && performance.now() < until) await sleep(20);
  const cpu = process.cpuUsage(cpuBefore);
  const latencies: number[] = [];
  let lost = 0;
  for (const [key, at] of sentAt) {
    const arrived = arrivals.get(key);
    if (arrived === undefined) lost++;
    else latencies.push(arrived - at);
  }
  return {
    name,
    events: sentAt.size,
    lost,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    cpuUsPerEvent: round((cpu.user + cpu.system) / sentAt.size, 0),
  };
}

async function simulated(): Promise<Result> {
  const sink = await receiver();
  const fetcher = new UndiciFetcher({ connectionsPerOrigin: 64 });
  const line = new SimulatedLine({ clock: systemClock, answerAfterMs: null });
  const engine = engineFor([{ id: 'sim', line }], sink.url, fetcher);
  await engine.start();
  const sentAt = new Map<string, number>();
  const ids: string[] = [];
  const stopLoop = loopDelay();
  const cpuBefore = process.cpuUsage();
  await drive(
    (i) => {
      const number = String(100_000 + i);
      sentAt.set(`inbound:${number}`, performance.now());
      ids[i] = line.incoming(number);
    },
    (i) => {
      sentAt.set(`connected:${100_000 + i}`, performance.now());
      line.execute({ type: 'answer', lineCallId: ids[i]! }).catch((error: unknown) => console.error('answer', i, String(error), line.callIds().length));
    },
    (i) => {
      sentAt.set(`disconnected:${100_000 + i}`, performance.now());
      try {
        line.remoteHangup(ids[i]!);
      } catch (error) {
        console.error('hangup', i, String(error));
      }
    },
  );
  const result = await collect('simulated line (baseline)', sentAt, sink.arrivals, cpuBefore);
  result.loopDelayP99Ms = stopLoop();
  await engine.stop(1_000);
  await fetcher.close();
  await sink.close();
  return result;
}

async function deskPhones(count: number): Promise<Result> {
  const sink = await receiver();
  const fetcher = new UndiciFetcher({ connectionsPerOrigin: 64 });
  const listeners = new EventListeners();
  const phones: FakeYealink[] = [];
  for (let p = 0; p < count; p++) phones.push(await new FakeYealink({ password: 'pw' }).start());
  // Picked after the phones took their ports, so none of them can take the listener's.
  const port = await freePort();
  const lines: { id: string; line: Line }[] = [];
  const sentAt = new Map<string, number>();
  for (const [p, phone] of phones.entries()) {
    const settings: DeskPhoneSettings = {
      id: `desk-${p}`,
      ...DeskPhoneLineSchema.parse({
        type: 'deskphone',
        vendor: 'yealink',
        url: phone.url,
        password: 'pw',
        account: '987@example.com',
        callback: { listen: '127.0.0.1', port, url: `http://127.0.0.1:${port}` },
      }),
    };
    phone.configure(setupEntries(settings));
    phone.onSend = (url) => {
      const match = /\/phone\/[^/]+\/(\w+)\?remote=sip:(\d+)@/.exec(url);
      const slot = match ? SLOT_OF[match[1]!] : undefined;
      if (slot) sentAt.set(`${slot}:${match![2]}`, performance.now());
    };
    lines.push({
      id: settings.id,
      line: new DeskPhoneLine(settings, { clock: systemClock, random: cryptoRandom, listeners, driver: createDriver(settings, { clock: systemClock }) }),
    });
  }
  const engine = engineFor(lines, sink.url, fetcher);
  const startedAt = performance.now();
  await engine.start();
  const startMs = round(performance.now() - startedAt, 0);
  // A line whose first probe failed on a starved machine retries with backoff: give them time, then name one.
  const readyBy = performance.now() + DEADLINE_MS;
  while (lines.some(({ line }) => line.status().state !== 'ready') && performance.now() < readyBy) await sleep(100);
  const notReady = lines.filter(({ line }) => line.status().state !== 'ready');
  if (notReady.length > 0) throw new Error(`${notReady.length} desk-phone lines not ready, e.g. ${notReady[0]!.id}: ${notReady[0]!.line.status().detail}`);
  const calls: ReturnType<FakeYealink['ringIn']>[] = [];
  const stopLoop = loopDelay();
  const cpuBefore = process.cpuUsage();
  await drive(
    (i) => (calls[i] = phones[i % count]!.ringIn(String(100_000 + i))),
    (i) => phones[i % count]!.pickUp(calls[i]!),
    (i) => phones[i % count]!.remoteHangup(calls[i]!),
  );
  await Promise.all(phones.map((phone) => phone.drained()));
  const result: Result = await collect(`${count} desk phone${count === 1 ? '' : 's'} (fake Yealink over HTTP)`, sentAt, sink.arrivals, cpuBefore);
  result.startMs = startMs;
  result.loopDelayP99Ms = stopLoop();
  // Only the three call events are counted: busy_to_idle also fires, but has no Action URL.
  await engine.stop(1_000);
  await Promise.all(phones.map((phone) => phone.close()));
  await fetcher.close();
  await sink.close();
  return result;
}

async function main(): Promise<void> {
  const rows: (Result & { cpuRatioToSimulated: number })[] = [];
  await simulated(); // warm-up turn (JIT, first connections), discarded
  const baseline = await simulated();
  rows.push({ ...baseline, cpuRatioToSimulated: 1 });
  for (const count of PHONES) {
    const row = await deskPhones(count);
    rows.push({ ...row, cpuRatioToSimulated: round(row.cpuUsPerEvent / baseline.cpuUsPerEvent) });
  }
  console.log(`desk phones: ${CALLS} calls × 3 events at ${RATE} calls/s, event → Action URL at a loopback receiver (ms), CPU µs per phone event`);
  console.table(
    rows.map((r) => ({
      name: r.name,
      events: r.events,
      lost: r.lost,
      p50Ms: r.p50,
      p99Ms: r.p99,
      cpuUsPerEvent: r.cpuUsPerEvent,
      cpuRatio: r.cpuRatioToSimulated,
      loopDelayP99Ms: r.loopDelayP99Ms,
      engineStartMs: r.startMs ?? '',
    })),
  );
  console.log('target: 1,000 phones with p99 < 50 ms and no lost events');
  const failed = rows.some((r) => r.lost > 0);
  process.exitCode = failed ? 1 : 0;
}

await main();

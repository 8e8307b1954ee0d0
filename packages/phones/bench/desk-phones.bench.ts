/**
 * Desk-phone load: one engine (core Engine → templates → dispatcher → undici, as `callhook serve` runs
 * it, without the HTTP control API) watching N fake Yealink phones (1, 100, 1,000) on one shared
 * callback listener. Calls arrive at a steady rate spread over the phones; each call is three phone
 * events (incoming, connected, disconnected) and three Action URLs. Measured: event-to-Action-URL
 * latency (the fake phone's fetch of its event URL → arrival of the Action URL at a loopback
 * receiver), lost events, and process CPU per phone event. Beside it, in the same run, the same
 * engine fed by the simulated line (no phone HTTP at all) as the baseline. The fake phones run in a
 * process of their own (`phones-process.ts`), so the CPU figure is this process's: engine, event
 * listener and the loopback receiver (which the baseline has too). Send and arrival times are read on
 * a clock both processes share (`performance.timeOrigin + performance.now()`).
 *
 * Run: `pnpm --filter @callhook/phones bench` (then the serve variant, `desk-phones-serve.bench.ts`;
 * BENCH_VARIANT=engine for this one alone; env BENCH_CALLS, BENCH_RATE to change the load).
 */
import { Engine, loadSettings, SimulatedLine, standardSinks, type Line } from '@callhook/core';
import { cryptoRandom, headlessBrowser, systemClock, UndiciFetcher } from '@callhook/server';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { createDriver, DeskPhoneLine, DeskPhoneLineSchema, EventListeners, setupEntries, type DeskPhoneSettings } from '../src/index.js';
import { freePort } from '../test/support/free-port.js';
import { fork } from 'node:child_process';
import { CALLS, drive, now, RATE, sleep } from './drive.js';
import { ask, latencyColumns, match, percentile, receiver, round, type LatencyRow } from './shared.js';

const PHONES = (process.env.BENCH_PHONES ?? '1,100,1000').split(',').map(Number);
/** Also measure the largest count idle (no calls) for this long, ms: the per-line cost of health probes and timers. */
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 40_000);
/** A directory: each scenario's drive is CPU-profiled (this process only) into `<dir>/<scenario>.cpuprofile`. */
const PROFILE_DIR = process.env.BENCH_PROFILE;
const DEADLINE_MS = 60_000;

const SLOT_OF: Record<string, string> = { incoming: 'inbound', connected: 'connected', disconnected: 'disconnected' };

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

interface Result extends LatencyRow {
  /** p99 event-loop delay during the scenario, ms. */
  loopDelayP99Ms?: number;
  /** How long starting the engine (every line probing its phone) took, ms. */
  startMs?: number;
  /** CPU this process spent starting the engine, ms. */
  startCpuMs?: number;
  /** Heap in use after the scenario, MiB. */
  heapMb?: number;
  /** CPU of the fake phones' process per phone event (fixture cost, not callhook's), µs. */
  phonesCpuUsPerEvent?: number;
  /** Idle (no calls) after the drive: CPU per line per second (µs), the requests to the phones and CPU per request (µs). */
  idle?: { cpuUsPerLinePerS: number; requests: number; cpuUsPerRequest: number; seconds: number };
}

/** Profiles this process from now until the returned function is called (when BENCH_PROFILE is set). */
async function profile(name: string): Promise<() => Promise<void>> {
  if (!PROFILE_DIR) return async () => undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile: taken } = await session.post('Profiler.stop');
    mkdirSync(PROFILE_DIR, { recursive: true });
    writeFileSync(join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(taken));
    session.disconnect();
  };
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
  const { latencies, lost } = match(sentAt, arrivals);
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
  const stopProfile = await profile('simulated');
  const stopLoop = loopDelay();
  const cpuBefore = process.cpuUsage();
  await drive(
    (i) => {
      const number = String(100_000 + i);
      sentAt.set(`inbound:${number}`, now());
      ids[i] = line.incoming(number);
    },
    (i) => {
      sentAt.set(`connected:${100_000 + i}`, now());
      line.execute({ type: 'answer', lineCallId: ids[i]! }).catch((error: unknown) => console.error('answer', i, String(error), line.callIds().length));
    },
    (i) => {
      sentAt.set(`disconnected:${100_000 + i}`, now());
      try {
        line.remoteHangup(ids[i]!);
      } catch (error) {
        console.error('hangup', i, String(error));
      }
    },
  );
  const result = await collect('simulated line (baseline)', sentAt, sink.arrivals, cpuBefore);
  result.loopDelayP99Ms = stopLoop();
  await stopProfile();
  await engine.stop(1_000);
  await fetcher.close();
  await sink.close();
  return result;
}

async function deskPhones(count: number): Promise<Result> {
  const sink = await receiver();
  const fetcher = new UndiciFetcher({ connectionsPerOrigin: 64 });
  const listeners = new EventListeners();
  const child = fork(new URL('./phones-process.ts', import.meta.url), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  try {
    const { urls } = await ask<{ urls: string[] }>(child, { type: 'start', count }, 'started');
    // Picked after the phones took their ports, so none of them can take the listener's.
    const port = await freePort();
    const settingsList: DeskPhoneSettings[] = urls.map((url, p) => ({
      id: `desk-${p}`,
      ...DeskPhoneLineSchema.parse({
        type: 'deskphone',
        vendor: 'yealink',
        url,
        password: 'pw',
        account: '987@example.com',
        callback: { listen: '127.0.0.1', port, url: `http://127.0.0.1:${port}` },
      }),
    }));
    await ask(child, { type: 'configure', entries: settingsList.map((settings) => setupEntries(settings)) }, 'configured');
    const lines = settingsList.map((settings) => ({
      id: settings.id,
      line: new DeskPhoneLine(settings, {
        clock: systemClock,
        random: cryptoRandom,
        listeners,
        driver: createDriver(settings, { clock: systemClock }),
      }) as Line,
    }));
    const engine = engineFor(lines, sink.url, fetcher);
    const startedAt = performance.now();
    const startCpu = process.cpuUsage();
    await engine.start();
    const startMs = round(performance.now() - startedAt, 0);
    const startCpuUsed = process.cpuUsage(startCpu);
    // A line whose first probe failed on a starved machine retries with backoff: give them time, then name one.
    const readyBy = performance.now() + DEADLINE_MS;
    while (lines.some(({ line }) => line.status().state !== 'ready') && performance.now() < readyBy) await sleep(100);
    const notReady = lines.filter(({ line }) => line.status().state !== 'ready');
    if (notReady.length > 0) throw new Error(`${notReady.length} desk-phone lines not ready, e.g. ${notReady[0]!.id}: ${notReady[0]!.line.status().detail}`);
    const stopProfile = await profile(`phones-${count}`);
    const stopLoop = loopDelay();
    const cpuBefore = process.cpuUsage();
    const { sent, cpuUs } = await ask<{ sent: [string, number][]; cpuUs: number }>(child, { type: 'drive' }, 'driven');
    // Only the three call events are counted: busy_to_idle also fires, but has no Action URL.
    const result: Result = await collect(
      `${count} desk phone${count === 1 ? '' : 's'} (fake Yealinks in their own process)`,
      new Map(sent),
      sink.arrivals,
      cpuBefore,
    );
    result.startMs = startMs;
    result.startCpuMs = round((startCpuUsed.user + startCpuUsed.system) / 1000, 0);
    result.heapMb = round(process.memoryUsage().heapUsed / 2 ** 20, 1);
    result.loopDelayP99Ms = stopLoop();
    result.phonesCpuUsPerEvent = round(cpuUs / sent.length, 0);
    await stopProfile();
    if (count === Math.max(...PHONES) && IDLE_MS > 0) {
      // Every line probes its phone every 30 s (±20 %): the window should cover more than one round.
      const before = await ask<{ count: number }>(child, { type: 'requests' }, 'requested');
      const stopIdleProfile = await profile(`idle-${count}`);
      const idleCpu = process.cpuUsage();
      await sleep(IDLE_MS);
      const used = process.cpuUsage(idleCpu);
      await stopIdleProfile();
      const after = await ask<{ count: number }>(child, { type: 'requests' }, 'requested');
      const cpuUs = used.user + used.system;
      const requests = after.count - before.count;
      result.idle = {
        seconds: IDLE_MS / 1000,
        cpuUsPerLinePerS: round(cpuUs / count / (IDLE_MS / 1000), 1),
        requests,
        cpuUsPerRequest: requests > 0 ? round(cpuUs / requests, 0) : NaN,
      };
    }
    await engine.stop(1_000);
    return result;
  } finally {
    if (child.exitCode === null) await ask(child, { type: 'close' }, 'closed').catch(() => undefined);
    await fetcher.close();
    await sink.close();
  }
}

async function main(): Promise<void> {
  await simulated(); // warm-up turn (JIT, first connections), discarded
  const baseline = await simulated();
  const rows: Result[] = [baseline];
  for (const count of PHONES) rows.push(await deskPhones(count));
  console.log(`desk phones: ${CALLS} calls × 3 events at ${RATE} calls/s, event → Action URL at a loopback receiver (ms), CPU µs per phone event`);
  console.table(
    rows.map((r) => ({
      ...latencyColumns(r, baseline),
      loopDelayP99Ms: r.loopDelayP99Ms,
      engineStartMs: r.startMs ?? '',
      startCpuMs: r.startCpuMs ?? '',
      heapMb: r.heapMb ?? '',
      phonesProcCpuUsPerEvent: r.phonesCpuUsPerEvent ?? '',
    })),
  );
  console.log(
    `load average at the end: ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')} (2+ per core starves every process: compare p99 with the baseline's)`,
  );
  for (const r of rows.filter((row) => row.idle))
    console.log(
      `idle ${r.idle!.seconds} s after the drive, ${r.name}: ${r.idle!.cpuUsPerLinePerS} µs CPU per line per s; ${r.idle!.requests} requests to the phones (health probes), ${r.idle!.cpuUsPerRequest} µs CPU each`,
    );
  console.log('target: 1,000 phones with p99 < 50 ms and no lost events');
  const failed = rows.some((r) => r.lost > 0);
  process.exitCode = failed ? 1 : 0;
}

await main();

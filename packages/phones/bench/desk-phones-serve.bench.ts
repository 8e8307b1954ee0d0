/**
 * Desk-phone load through the real `callhook serve` (the built CLI, apps/cli/dist/main.js): one serve
 * process per scenario with a generated settings file of N deskphone lines (vendor yealink, one shared
 * callback listener) watching N fake Yealinks (1, 100, 1,000; they run in `phones-process.ts`), and
 * beside it, in the same run, the same serve with the simulator line, driven over its HTTP routes
 * (`POST /api/v1/simulator/incoming|answer|hangup`: one HTTP request per event, as a phone event is
 * one, sent from the phone process too). Every call is three events and three Action URLs to a loopback receiver in this process.
 * Measured over the drive (after a short warm-up drive): event → Action URL latency p50/p99 (send: the
 * phone's fetch of its event URL, or this process's simulator request; arrival at the receiver; both
 * on `performance.timeOrigin + performance.now()`), lost events, and serve's CPU per event from
 * /proc/<pid>/stat (user + system of all its threads: main, the journal worker, GC, libuv). Also the
 * requests serve made to the phones in that window (health probes, every 30 s ±20 % per line), the
 * start-up (spawn → every line ready: time and serve's CPU) and serve's RSS; after the largest count's
 * drive, serve idle for BENCH_IDLE_MS (default 40 s, 0 to skip): CPU per line per second and per probe.
 *
 * Run: `pnpm --filter @callhook/phones bench` (after the in-process bench; BENCH_VARIANT=serve for this
 * one alone); BENCH_PHONES, BENCH_CALLS, BENCH_RATE, BENCH_WARMUP (calls, default 50) change the load.
 * Build apps/cli first.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeskPhoneLineSchema, setupEntries } from '../src/index.js';
import { freePort } from '../test/support/free-port.js';
import { startServe, type Served } from '../test/support/serve.js';
import { CALLS, RATE, sleep } from './drive.js';
import { ask, latencyColumns, match, percentile, receiver, round, type LatencyRow } from './shared.js';

const PHONES = (process.env.BENCH_PHONES ?? '1,100,1000').split(',').map(Number);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 50);
/** Also watch the largest count idle (no calls) for this long after its drive, ms: the per-line cost of health probes and timers. */
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 40_000);
/** Deadlines (a hang, not a speed target): every Action URL in, every line ready. */
const DEADLINE_MS = 60_000;
const READY_MS = 180_000;
const SLOTS = ['inbound', 'connected', 'disconnected'];

/** User + system CPU ms of process `pid` (all its threads) so far; /proc counts in 10 ms ticks. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return round(Number(line?.split(/\s+/)[1] ?? NaN) / 1024, 0);
}

interface Row extends LatencyRow {
  /** Requests serve made to the phones during the measured window (health probes). */
  probes?: number;
  startMs: number;
  startCpuMs: number;
  rssMb: number;
  phonesCpuUsPerEvent?: number;
  errors?: number;
  /** Idle (no calls) after the drive: serve's CPU per line per second (µs), the requests to the phones and CPU per request (µs). */
  idle?: { seconds: number; cpuUsPerLinePerS: number; requests: number; cpuUsPerRequest: number };
}

/** Runs `body` against a fresh `callhook serve` with `lines` and Action URLs to `receiverUrl`; serve is stopped and its files removed however it ends. */
async function withServe<T>(lines: object[], receiverUrl: string, body: (served: Served, pid: number, startedAt: number) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-bench-deskserve-'));
  let served: Served | undefined;
  try {
    const config = join(dir, 'callhook.json');
    const url = (on: string) => `${receiverUrl}/${on}?n=<$remote_party>&g=<$call_guid>&lp=<$local_party>`;
    writeFileSync(
      config,
      JSON.stringify({
        actionUrls: { enabled: true, slots: SLOTS.map((on) => ({ on, url: url(on) })) },
        inbound: { enabled: true, listen: ['127.0.0.1'] },
        lines,
      }),
    );
    const startedAt = performance.now();
    served = await startServe(['--config', config, '--data', join(dir, 'data'), '--port', '0', '--no-console'], READY_MS);
    return await body(served, served.child.pid!, startedAt);
  } finally {
    if (served) {
      const kill = setTimeout(() => served!.child.kill('SIGKILL'), 15_000);
      await served.stop();
      clearTimeout(kill);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until `/healthz` answers 200 (every line ready); names a line that is not, after READY_MS. */
async function ready(served: Served, pid: number, startedAt: number): Promise<{ startMs: number; startCpuMs: number }> {
  const until = performance.now() + READY_MS;
  while (performance.now() < until) {
    const status = await fetch(`${served.url}healthz`).then(
      (r) => (r.body?.cancel(), r.status),
      () => 0,
    );
    if (status === 200) return { startMs: round(performance.now() - startedAt, 0), startCpuMs: round(cpuMs(pid), 0) };
    await sleep(500);
  }
  const { lines } = (await fetch(`${served.url}api/v1/lines`).then((r) => r.json())) as { lines: { id: string; status: { state: string; detail?: string } }[] };
  const stuck = lines.filter((l) => l.status.state !== 'ready');
  throw new Error(`${stuck.length} lines not ready after ${READY_MS} ms, e.g. ${stuck[0]?.id}: ${stuck[0]?.status.detail}\n${served.output().slice(-2_000)}`);
}

/** Waits until every key of `sentAt` has arrived (or DEADLINE_MS). */
async function arrived(sentAt: Map<string, number>, arrivals: Map<string, number>): Promise<void> {
  const until = performance.now() + DEADLINE_MS;
  while ([...sentAt.keys()].some((key) => !arrivals.has(key)) && performance.now() < until) await sleep(20);
}

function row(
  name: string,
  sentAt: Map<string, number>,
  arrivals: Map<string, number>,
  cpuUsedMs: number,
): Pick<Row, 'name' | 'events' | 'lost' | 'p50' | 'p99' | 'cpuUsPerEvent'> {
  const { latencies, lost } = match(sentAt, arrivals);
  return {
    name,
    events: sentAt.size,
    lost,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    cpuUsPerEvent: round((cpuUsedMs * 1000) / sentAt.size, 0),
  };
}

async function simulated(): Promise<Row> {
  const sink = await receiver();
  // The simulator's requests come from the phone process, as the phones' events do: this process only receives.
  const child = fork(new URL('./phones-process.ts', import.meta.url), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  try {
    return await withServe([{ id: 'sim', type: 'simulator', answerAfterMs: null }], sink.url, async (served, pid, startedAt) => {
      const start = await ready(served, pid, startedAt);
      const driven = async (calls: number | undefined, base: number) => {
        const { sent, cpuUs, errors } = await ask<{ sent: [string, number][]; cpuUs: number; errors: number }>(
          child,
          { type: 'simulate', url: served.url, calls, base },
          'driven',
        );
        const sentAt = new Map(sent);
        await arrived(sentAt, sink.arrivals);
        return { sentAt, cpuUs, errors };
      };
      if (WARMUP > 0) await driven(WARMUP, 900_000);
      const cpuBefore = cpuMs(pid);
      const { sentAt, cpuUs, errors } = await driven(undefined, 100_000);
      const used = cpuMs(pid) - cpuBefore;
      return {
        ...row('simulated line (baseline; its HTTP routes)', sentAt, sink.arrivals, used),
        ...start,
        rssMb: rssMb(pid),
        phonesCpuUsPerEvent: round(cpuUs / sentAt.size, 0),
        errors,
      };
    });
  } finally {
    await closeChild(child);
    await sink.close();
  }
}

/** Closes the phone process, killing it if it does not go. */
async function closeChild(child: ChildProcess): Promise<void> {
  if (child.exitCode === null) await Promise.race([ask(child, { type: 'close' }, 'closed').catch(() => undefined), sleep(10_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function deskPhones(count: number): Promise<Row> {
  const sink = await receiver();
  const child = fork(new URL('./phones-process.ts', import.meta.url), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  try {
    const { urls } = await ask<{ urls: string[] }>(child, { type: 'start', count }, 'started');
    // Picked after the phones took their ports, so none of them can take the listener's.
    const port = await freePort();
    const lines = urls.map((url, p) => ({
      id: `desk-${p}`,
      type: 'deskphone',
      vendor: 'yealink',
      url,
      password: 'pw',
      account: '987@example.com',
      callback: { listen: '127.0.0.1', port, url: `http://127.0.0.1:${port}` },
    }));
    // The event URLs serve's lines expect: the secret is derived from these same settings.
    const entries = lines.map(({ id, ...fields }) => setupEntries({ id, ...DeskPhoneLineSchema.parse(fields) }));
    await ask(child, { type: 'configure', entries }, 'configured');
    return await withServe(lines, sink.url, async (served, pid, startedAt) => {
      const start = await ready(served, pid, startedAt);
      const driven = async (calls: number | undefined, base: number) => {
        const { sent, cpuUs } = await ask<{ sent: [string, number][]; cpuUs: number }>(child, { type: 'drive', calls, base }, 'driven');
        const sentAt = new Map(sent);
        await arrived(sentAt, sink.arrivals);
        return { sentAt, cpuUs };
      };
      if (WARMUP > 0) await driven(WARMUP, 900_000);
      const before = await ask<{ count: number }>(child, { type: 'requests' }, 'requested');
      const cpuBefore = cpuMs(pid);
      const { sentAt, cpuUs } = await driven(undefined, 100_000);
      const used = cpuMs(pid) - cpuBefore;
      const after = await ask<{ count: number }>(child, { type: 'requests' }, 'requested');
      const result: Row = {
        ...row(`${count} desk phone${count === 1 ? '' : 's'} (fake Yealinks)`, sentAt, sink.arrivals, used),
        probes: after.count - before.count,
        ...start,
        rssMb: rssMb(pid),
        phonesCpuUsPerEvent: round(cpuUs / sentAt.size, 0),
      };
      if (count === Math.max(...PHONES) && IDLE_MS > 0) {
        // Every line probes its phone every 30 s (±20 %): the window should cover more than one round.
        const idleCpu = cpuMs(pid);
        await sleep(IDLE_MS);
        const usedUs = (cpuMs(pid) - idleCpu) * 1000;
        const requests = (await ask<{ count: number }>(child, { type: 'requests' }, 'requested')).count - after.count;
        result.idle = {
          seconds: IDLE_MS / 1000,
          cpuUsPerLinePerS: round(usedUs / count / (IDLE_MS / 1000), 1),
          requests,
          cpuUsPerRequest: requests > 0 ? round(usedUs / requests, 0) : NaN,
        };
      }
      return result;
    });
  } finally {
    await closeChild(child);
    await sink.close();
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [await simulated()];
  for (const count of PHONES) rows.push(await deskPhones(count));
  const baseline = rows[0]!;
  console.log(
    `callhook serve: ${CALLS} calls × 3 events at ${RATE} calls/s (after ${WARMUP} warm-up calls), event → Action URL at a loopback receiver (ms), serve's CPU µs per event (/proc, all threads)`,
  );
  console.table(
    rows.map((r) => ({
      ...latencyColumns(r, baseline),
      probesInWindow: r.probes ?? '',
      startMs: r.startMs,
      startCpuMs: r.startCpuMs,
      rssMb: r.rssMb,
      phonesProcCpuUsPerEvent: r.phonesCpuUsPerEvent ?? '',
    })),
  );
  for (const r of rows.filter((each) => each.idle))
    console.log(
      `idle ${r.idle!.seconds} s after the drive, ${r.name}: ${r.idle!.cpuUsPerLinePerS} µs serve CPU per line per s; ${r.idle!.requests} requests to the phones (health probes), ${r.idle!.cpuUsPerRequest} µs CPU each`,
    );
  if (baseline.errors) console.log(`simulator requests that failed: ${baseline.errors}`);
  console.log(
    `load average at the end: ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')} (2+ per core starves every process: compare p99 with the baseline's)`,
  );
  console.log('target: 1,000 phones with p99 < 50 ms and no lost events');
  process.exitCode = rows.some((r) => r.lost > 0 || (r.errors ?? 0) > 0) ? 1 : 0;
}

await main();

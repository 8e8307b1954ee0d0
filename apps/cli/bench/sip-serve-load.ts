/**
 * Softphone under load: sipp's uac calls `callhook serve` with the SIP line (autoAnswer) at a fixed
 * rate, and every call's Action URLs (inbound, connected, disconnected) are counted at a loopback
 * receiver. RSS of the server is sampled as calls complete, to see whether memory stays flat. The
 * same rate against sipp's own uas is the reference measured in the same run. No assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countingReceiver } from './support/counting-receiver.js';
import { memoryBreakdown, type MemoryBreakdown } from './support/memory-breakdown.js';
import { COUNTED_ACTIONS, startServe, writeSipServeConfig } from './support/serve.js';
import { sippUacLoad } from './support/sipp-uac.js';
import { freeSipPort, sippBinary } from '../test/support/sipp.js';

/** The build under test; BENCH_SIP_MAIN=<another build's dist/main.js> measures that one (a baseline in the same run). */
const MAIN = process.env.BENCH_SIP_MAIN ?? fileURLToPath(new URL('../dist/main.js', import.meta.url));
/** Preloaded into the server (every thread): writes each isolate's heap figures for the breakdown. */
const PROBE = ['--expose-gc', '--import', new URL('./support/memory-probe.mjs', import.meta.url).href];
const RATE = Number(process.env.BENCH_SIP_RATE ?? 100);
/**
 * Uncapped, V8 grows its heap lazily and RSS creeps up without any leak; the same run with the old
 * space capped shows whether live memory is really bounded (a leak would end in an out-of-memory).
 */
const HEAP_CAP = ['--max-old-space-size=96'];
const RUNS: { transport: 'udp' | 'tcp'; calls: number; nodeArgs: string[] }[] = [
  { transport: 'udp', calls: Number(process.env.BENCH_SIP_CALLS ?? 10_000), nodeArgs: [] },
  { transport: 'udp', calls: Number(process.env.BENCH_SIP_CALLS ?? 10_000), nodeArgs: HEAP_CAP },
  { transport: 'tcp', calls: Number(process.env.BENCH_SIP_TCP_CALLS ?? 3_000), nodeArgs: [] },
];
const REFERENCE_CALLS = 2_000;
/** 64×T1 and a margin: every transaction's timer has run out by then (as in memory-per-call.ts). */
const TRANSACTIONS_GONE_MS = 36_000;
/** BENCH_SIP_NODE_ARGS="--flag …": more node flags for every callhook run (a V8 setting tried against the same build). */
const EXTRA_ARGS = (process.env.BENCH_SIP_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** CPU time of every thread of `pid` so far, s (utime + stime of /proc/<pid>/stat, in 10 ms ticks). */
const cpuSecondsOf = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const ACTIONS = COUNTED_ACTIONS;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** sipp's uac at `rate` calls/s for `calls` calls held 200 ms; bounded in time. */
const sippUac = (target: string, calls: number, rate: number, transport: 'udp' | 'tcp', user?: string) => sippUacLoad({ target, calls, rate, transport, user });

async function againstCallhook(transport: 'udp' | 'tcp', calls: number, nodeArgs: string[], rate = RATE) {
  const receiver = await countingReceiver();
  const sipPort = await freeSipPort();
  const { dir, config } = writeSipServeConfig('callhook-bench-serve-', receiver.url, sipPort, transport);
  const probeDir = join(dir, 'memory');
  mkdirSync(probeDir);
  process.env.CALLHOOK_BENCH_MEMORY = probeDir; // the server inherits it; its probe writes there
  const serve = await startServe(MAIN, config, join(dir, 'data'), [...nodeArgs, ...EXTRA_ARGS, ...PROBE]);
  const sample = () => ({ calls: receiver.counts.get('disconnected') ?? 0, ...memoryBreakdown(serve.pid!, probeDir) });
  const samples: ({ calls: number } & MemoryBreakdown)[] = [sample()];
  const sampler = setInterval(() => samples.push(sample()), 1_000);
  const sipp = await sippUac(`127.0.0.1:${sipPort}`, calls, rate, transport, '303');
  const until = Date.now() + 30_000;
  while (ACTIONS.some((a) => (receiver.counts.get(a) ?? 0) < calls) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  clearInterval(sampler);
  samples.push(sample());
  const cpuSeconds = cpuSecondsOf(serve.pid!);
  // What the calls left: sip.js holds each transaction up to 64×T1 (32 s) after its last message.
  await new Promise((r) => setTimeout(r, TRANSACTIONS_GONE_MS));
  const liveHeap = await liveHeapMiB(serve, probeDir);
  serve.kill('SIGTERM');
  await new Promise((r) => serve.once('exit', r));
  await receiver.close();
  const at = (fraction: number) => samples.find((s) => s.calls >= calls * fraction) ?? samples.at(-1)!;
  const [half, end] = [at(0.5), samples.at(-1)!];
  const received = ACTIONS.map((a) => receiver.counts.get(a) ?? 0);
  const flags = [...nodeArgs, ...EXTRA_ARGS].join(' ');
  const peer = `callhook serve (SIP line, ${transport}${flags ? `, ${flags}` : ''})`;
  // Growth over the last half of the calls, KiB per call: ~0 when memory is flat after warm-up. The
  // least-squares slope over every sample of that half (one a second), so that where one GC happened
  // to fall (V8's heap is a sawtooth) does not decide it as it would between two samples.
  const lastHalf = samples.filter((s) => s.calls >= half.calls);
  const perCall = (key: keyof MemoryBreakdown) => {
    const mean = (f: (s: (typeof samples)[number]) => number) => lastHalf.reduce((sum, s) => sum + f(s), 0) / lastHalf.length;
    const [x, y] = [mean((s) => s.calls), mean((s) => s[key])];
    const spread = lastHalf.reduce((sum, s) => sum + (s.calls - x) ** 2, 0);
    return spread === 0 ? NaN : round((lastHalf.reduce((sum, s) => sum + (s.calls - x) * (s[key] - y), 0) / spread) * 1024, 2);
  };
  breakdowns.push(
    ...(['rss', 'anon', 'file', 'mainHeapTotal', 'mainHeapUsed', 'workerHeapTotal', 'workerHeapUsed', 'otherAnon'] as const).map((key) => ({
      run: peer,
      MiB: key,
      at20pct: round(at(0.2)[key]),
      at50pct: round(half[key]),
      atEnd: round(end[key]),
      lastHalfKiBPerCall: perCall(key),
    })),
  );
  return {
    peer,
    calls,
    rate,
    successful: sipp.successful,
    failed: sipp.failed,
    seconds: round(sipp.seconds),
    actionUrls: `${received.reduce((a, b) => a + b, 0)} / ${calls * ACTIONS.length}`,
    lostActionUrls: calls * ACTIONS.length - received.reduce((a, b) => a + b, 0),
    rssMiBat20pct: round(at(0.2).rss),
    rssMiBat60pct: round(at(0.6).rss),
    rssMiBatEnd: round(end.rss),
    rssKiBPerCallLastHalf: perCall('rss'),
    cpuMsPerCall: round((cpuSeconds * 1000) / calls, 2),
    liveMainHeapMiB36sAfter: round(liveHeap),
  };
}

/**
 * The main thread's live heap, MiB, after a full collection asked of the probe (SIGUSR2): beside
 * `mainHeapUsed` it tells live objects from garbage not yet collected. NaN when the probe did not
 * answer within 10 s.
 */
async function liveHeapMiB(serve: ChildProcess, probeDir: string): Promise<number> {
  const file = join(probeDir, 'live.json');
  serve.kill('SIGUSR2');
  for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { heapUsed: number }).heapUsed / 1024 / 1024;
  }
  return NaN;
}

/** Where the server's memory was in each run (MiB at 20 %, 50 % and 100 % of the calls), printed after the runs. */
const breakdowns: Record<string, string | number>[] = [];
const printBreakdowns = () => {
  console.log('\nwhere the memory is (MiB; anon = V8 heaps + malloc + stacks; otherAnon = anon less both V8 heaps: SQLite, sockets, Buffers, code)');
  console.table(breakdowns);
};

async function againstSippUas(transport: 'udp' | 'tcp', rate = RATE) {
  const [port, control, media] = [await freeSipPort(), await freeSipPort(), await freeSipPort()];
  const uas = spawn(
    sippBinary(),
    [
      '-sn',
      'uas',
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-cp',
      String(control),
      '-mp',
      String(media),
      '-nostdin',
      ...(transport === 'tcp' ? ['-t', 't1'] : []),
    ],
    {
      cwd: mkdtempSync(join(tmpdir(), 'callhook-bench-uas-')),
      stdio: 'ignore',
    },
  );
  await new Promise((r) => setTimeout(r, 500));
  const sipp = await sippUac(`127.0.0.1:${port}`, REFERENCE_CALLS, rate, transport);
  uas.kill('SIGKILL');
  return {
    peer: `sipp uas (reference, ${transport})`,
    calls: REFERENCE_CALLS,
    rate,
    successful: sipp.successful,
    failed: sipp.failed,
    seconds: round(sipp.seconds),
  };
}

// BENCH_SIP_ONLY_CAPPED=1: only the UDP run with the old space capped (whether live memory stays
// bounded), without the references and the rising rates; its row is printed and nothing is written.
if (process.env.BENCH_SIP_ONLY_CAPPED === '1') {
  const run = RUNS.find((r) => r.nodeArgs === HEAP_CAP)!;
  console.table([await againstCallhook(run.transport, run.calls, run.nodeArgs)]);
  printBreakdowns();
  process.exit(0);
}
// BENCH_SIP_MEMORY=1: only the two UDP runs, uncapped and capped, with where the memory is.
if (process.env.BENCH_SIP_MEMORY === '1') {
  const rows = [];
  for (const run of RUNS.filter((r) => r.transport === 'udp')) rows.push(await againstCallhook(run.transport, run.calls, run.nodeArgs));
  console.table(rows);
  printBreakdowns();
  process.exit(0);
}

const rows = [];
for (const transport of ['udp', 'tcp'] as const) {
  rows.push(await againstSippUas(transport));
  for (const run of RUNS.filter((r) => r.transport === transport)) rows.push(await againstCallhook(run.transport, run.calls, run.nodeArgs));
}
console.log(`\nsipp uac → callhook serve with the SIP line, ${RATE} calls/s, calls held 200 ms (target: 0 failed calls, 0 lost Action URLs, flat RSS)`);
console.table(rows);
printBreakdowns();

// The highest rate sustained: rising rates, LADDER_CALLS calls each, until a call fails, an Action URL
// is lost or the line falls far behind sipp's own uas.
const LADDER = [200, 300, 400, 600, 800];
const LADDER_CALLS = 2_000;
const ladder = [];
for (const transport of ['udp', 'tcp'] as const) {
  for (const rate of LADDER) {
    const run = await againstCallhook(transport, LADDER_CALLS, [], rate);
    const reference = await againstSippUas(transport, rate);
    // Kept up: the calls took no longer than sipp took against its own uas at the same offered rate.
    const timeVsSippUas = round(run.seconds / reference.seconds, 2);
    ladder.push({
      transport,
      rate,
      failed: run.failed,
      lostActionUrls: run.lostActionUrls,
      seconds: run.seconds,
      sippUasSeconds: reference.seconds,
      timeVsSippUas,
      keptUp: timeVsSippUas <= 1.05,
    });
    if (run.failed !== 0 || run.lostActionUrls !== 0 || timeVsSippUas > 1.5) break;
  }
}
console.log(`\nrising rates, ${LADDER_CALLS} calls each, beside sipp's own uas at the same rate (stops at the first failed call or lost Action URL)`);
console.table(ladder);
rows.push(...ladder);
mkdirSync('artifacts', { recursive: true });
writeFileSync('artifacts/bench-sip-serve.json', `${JSON.stringify({ at: new Date().toISOString(), rows }, null, 2)}\n`);

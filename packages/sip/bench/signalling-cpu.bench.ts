/**
 * Signalling CPU per call of the SIP line alone (issues 12 and 17): sipp's built-in uac places
 * SIGCPU_CALLS calls (500) at SIGCPU_RATE per second (100) to a line in its own process (UDP,
 * autoAnswer, 20 ms silence RTP from the answer), each held SIGCPU_HOLD_MS (200); the line process's
 * CPU (process.cpuUsage, user + system) and GC (perf_hooks 'gc' entries) are read over the calls and divided
 * by the calls the line answered (sipp may give up on a few on a busy machine).
 *
 * Builds side by side: SIGCPU_BUILDS=`label=path/to/index.js,…` (default `current=src/index.ts`; the
 * first is the baseline of the ratios) runs each build once per round, alternating the order round by
 * round, SIGCPU_RUNS rounds (3). Printed: each build's median ms per call, and the median of the
 * per-round ratios to the baseline — ratios from the same minutes of a shared machine, not absolutes.
 * A fixed JS workload is timed before each step (`ref ms`): when it grows the machine is busier.
 * SIGCPU_WARMUP_CALLS (0) calls are placed the same way before the measured window, so it leaves out V8's
 * warm-up (its optimising compiler runs on helper threads for the first thousands of calls: 0.4 ms per call
 * over the first 1,000, ~0.02 ms after 3,000 — README, "Signalling CPU per call") and measures a warm line.
 * SIGCPU_PROFILE=<dir> also takes a V8 CPU profile of every step and prints where each build's CPU goes
 * (self time by package and function, ms per call, from its last round). Memory: SIGCPU_NODE_ARGS adds
 * node flags to the line processes (`--trace-gc` prints each collection; with `--expose-gc` each line
 * process prints the heap still in use per ended call after a full GC at the end of its step),
 * SIGCPU_HEAP_SNAPSHOT=<dir> writes a heap snapshot there at the end of each step, and
 * SIGCPU_ALLOC_PROFILE=<dir> a sampling heap profile of each window (every allocation, collected or
 * not, by function). No assertions.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from '@callhook/test-support';
import { startSipp, uacArgs } from '../test/support/sipp.js';
import { formatSummary, summarizeProfile, type CpuProfile } from './support/profile-summary.js';

const CALLS = Number(process.env.SIGCPU_CALLS ?? 500);
const RATE = Number(process.env.SIGCPU_RATE ?? 100);
const HOLD_MS = Number(process.env.SIGCPU_HOLD_MS ?? 200);
const RUNS = Number(process.env.SIGCPU_RUNS ?? 3);
/** Calls placed before the measured window of each step, to leave V8's warm-up out of it. */
const WARMUP_CALLS = Number(process.env.SIGCPU_WARMUP_CALLS ?? 0);
const PROFILE = process.env.SIGCPU_PROFILE ? resolve(process.env.SIGCPU_PROFILE) : undefined;
/** Extra node flags for the line processes (e.g. `--trace-gc`), space-separated. */
const NODE_ARGS = (process.env.SIGCPU_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const BUILDS = (process.env.SIGCPU_BUILDS ?? 'current=src/index.ts').split(',').map((entry) => {
  const [label, ...path] = entry.split('=');
  return { label: label!, module: resolve(packageRoot, path.join('=')) };
});

interface Step {
  cpuMsPerCall: number;
  /** The part of it spent in the kernel (socket calls, loopback delivery). */
  systemMsPerCall: number;
  gcMsPerCall: number;
  gcPerCall: number;
  successful: number;
  refMs: number;
  profile?: string;
}

interface Window {
  cpuMs: number;
  systemMs: number;
  gcCount: number;
  gcMs: number;
  ended: number;
  answered: number;
}

/** Waits for the child's next message of `type`, failing when it exits first or after `timeoutMs`. */
function next<T>(child: ChildProcess, type: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: { type: string; message?: string }) => {
      if (message.type !== type && message.type !== 'error') return;
      done();
      if (message.type === 'error') reject(new Error(message.message));
      else resolvePromise(message as T);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`the line process ended (exit ${code}) before '${type}'`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no '${type}' from the line process within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** CPU ms of a fixed JS workload (string building, parsing, maps): how much the machine slows a process now. */
function referenceWorkMs(): number {
  const before = process.cpuUsage();
  const map = new Map<string, number>();
  for (let i = 0; i < 20_000; i++) {
    const text = `INVITE sip:${i}@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK${i}\r\n`;
    map.set(text.split('\r\n')[1]!.slice(-8), /branch=(\w+)/.exec(text)![1]!.length);
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 + (map.size > 0 ? 0 : 1);
}

/** Places SIGCPU_WARMUP_CALLS calls as the measured ones are placed and waits (bounded) until the line has ended them. */
async function warmUp(child: ChildProcess, port: number): Promise<void> {
  const args = await uacArgs(`127.0.0.1:${port}`, {
    calls: WARMUP_CALLS,
    extra: ['-r', String(RATE), '-d', String(HOLD_MS), '-l', String(RATE * 5)],
    timeout: `${Math.ceil(WARMUP_CALLS / RATE) + 60}s`,
  });
  await startSipp(args, (WARMUP_CALLS / RATE + 90) * 1000).done;
  for (let wait = 0; wait < 20; wait++) {
    child.send({ type: 'read' });
    if ((await next<Window>(child, 'window')).ended >= WARMUP_CALLS) break;
    await sleep(250);
  }
  await sleep(500);
}

async function step(build: (typeof BUILDS)[number], round: number): Promise<Step> {
  const refMs = referenceWorkMs();
  const child = fork(join(packageRoot, 'bench', 'support', 'signalling-child.ts'), [build.module], {
    execArgv: ['--import', 'tsx', ...NODE_ARGS],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { port } = await next<{ port: number }>(child, 'ready');
    await sleep(500); // past start-up work
    if (WARMUP_CALLS > 0) await warmUp(child, port);
    const profileFile = PROFILE ? join(PROFILE, `${build.label}-${round}.cpuprofile`) : undefined;
    child.send({ type: 'mark', profile: profileFile !== undefined });
    await next(child, 'marked');
    const args = await uacArgs(`127.0.0.1:${port}`, {
      calls: CALLS,
      extra: ['-r', String(RATE), '-d', String(HOLD_MS), '-l', String(RATE * 5)],
      timeout: `${Math.ceil(CALLS / RATE) + 60}s`,
    });
    const sipp = await startSipp(args, (CALLS / RATE + 90) * 1000).done;
    const successful = Number(/Successful call\s*\|\s*\d+\s*\|\s*(\d+)/.exec(sipp.stdout)?.[1] ?? NaN);
    // The last calls' ends reach the line as sipp exits; wait for them (bounded) so every call is in the window.
    let window: Window;
    for (let wait = 0; ; wait++) {
      child.send({ type: 'read' });
      window = await next<Window>(child, 'window');
      if (window.ended >= CALLS || wait >= 20) break;
      await sleep(250);
    }
    if (profileFile) {
      child.send({ type: 'read', profileFile });
      await next<Window>(child, 'window');
    }
    if (window.ended < CALLS) console.log(`  ${build.label}: only ${window.ended} of ${CALLS} calls ended (sipp: ${successful} successful, exit ${sipp.code})`);
    // Per call the line answered: a round where sipp gave up on some calls (a busy machine) is not made cheaper by them.
    const calls = Math.max(1, window.answered);
    return {
      cpuMsPerCall: window.cpuMs / calls,
      systemMsPerCall: window.systemMs / calls,
      gcMsPerCall: window.gcMs / calls,
      gcPerCall: window.gcCount / calls,
      successful,
      refMs,
      ...(profileFile ? { profile: profileFile } : {}),
    };
  } finally {
    child.send({ type: 'stop' });
    await Promise.race([new Promise((r) => child.once('exit', r)), sleep(10_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

if (PROFILE) mkdirSync(PROFILE, { recursive: true });
const started = Date.now();
const steps = new Map<string, Step[]>(BUILDS.map((build) => [build.label, []]));
for (let round = 0; round < RUNS; round++) {
  const order = round % 2 === 0 ? BUILDS : [...BUILDS].reverse();
  for (const build of order) {
    const result = await step(build, round);
    steps.get(build.label)!.push(result);
    console.log(
      `round ${round + 1} ${build.label}: ${result.cpuMsPerCall.toFixed(3)} ms CPU per call (${result.systemMsPerCall.toFixed(3)} system), GC ${result.gcMsPerCall.toFixed(3)} ms (${result.gcPerCall.toFixed(2)} collections) per call, ` +
        `${result.successful}/${CALLS} ok, ref ${result.refMs.toFixed(1)} ms, load ${loadavg()[0]!.toFixed(1)}`,
    );
  }
}
const baseline = BUILDS[0]!.label;
console.log(
  `\n${CALLS} calls at ${RATE}/s held ${HOLD_MS} ms${WARMUP_CALLS > 0 ? ` after ${WARMUP_CALLS} warm-up calls` : ''}, sipp uac → line (UDP, autoAnswer), ${RUNS} rounds; medians:`,
);
console.log('build           CPU ms/call (system)   GC ms/call   collections/call   ratio to baseline (median of rounds)');
for (const { label } of BUILDS) {
  const rows = steps.get(label)!;
  const ratios = rows.map((row, index) => row.cpuMsPerCall / steps.get(baseline)![index]!.cpuMsPerCall);
  console.log(
    `${label.padEnd(14)}  ${median(rows.map((row) => row.cpuMsPerCall))
      .toFixed(3)
      .padStart(11)} (${median(rows.map((row) => row.systemMsPerCall)).toFixed(3)})  ${median(rows.map((row) => row.gcMsPerCall))
      .toFixed(3)
      .padStart(11)}  ${median(rows.map((row) => row.gcPerCall))
      .toFixed(2)
      .padStart(17)}   ${median(ratios).toFixed(3)} (rounds: ${ratios.map((ratio) => ratio.toFixed(3)).join(', ')})`,
  );
}
if (PROFILE) {
  for (const { label } of BUILDS) {
    const last = steps.get(label)!.at(-1)!;
    const profile = JSON.parse(readFileSync(last.profile!, 'utf8')) as CpuProfile;
    console.log(`\n${formatSummary(`${label} (round ${RUNS}, ${last.profile})`, summarizeProfile(profile, CALLS))}`);
  }
}
console.log(`bench took ${((Date.now() - started) / 1000).toFixed(1)} s, load average now ${loadavg().join(' ')}`);

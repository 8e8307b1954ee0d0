/**
 * The Action URL pipeline's CPU per call (issue 17): `startServer` with a simulated line, the SQLite
 * journal and three Action URLs per call (bench/pipeline-child.js), each run a fresh process whose
 * CPU (process.cpuUsage: every thread, the journal worker's and V8's helpers' included) over paced
 * calls is divided by the calls. No SIP: what is left is the engine, dispatcher, journal, metrics and
 * undici — what `callhook serve` adds per call beyond its line. The receiver runs in this process, so
 * its CPU is not counted.
 *
 * BENCH_PIPELINE_CPU_BASELINE=<label>=<another checkout's root, built, or . for this one>[ <node flag>…][,…]: those run in turns
 * with this one (each round starting with the next contender), and the table gives each one's median
 * CPU as a ratio to the first's (`vsFirst`) and the median of its ratios to the first within each round
 * (`vsFirstByRound`, steadier when the machine's load drifts). BENCH_PIPELINE_CPU_CALLS (default 1500 per run), BENCH_PIPELINE_CPU_RATE
 * (default 100 calls/s), BENCH_ROUNDS (default 3), BENCH_PIPELINE_CPU_PROF=<dir>: V8 CPU profiles of each
 * run (a directory per run, a file per thread), BENCH_PIPELINE_CPU_NODE_ARGS: node flags for every run
 * (e.g. `--single-threaded-gc`), BENCH_PIPELINE_CPU_ECHO=1: print the runs' other output (`--trace-gc`).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { countingReceiver } from './receiver.js';
import { median, round } from './stats.js';

const CALLS = Number(process.env.BENCH_PIPELINE_CPU_CALLS ?? 1_500);
const RATE = Number(process.env.BENCH_PIPELINE_CPU_RATE ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const HOLD_MS = 200;
const OWN_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./pipeline-child.js', import.meta.url));

interface Contender {
  label: string;
  root: string;
  /** Node flags of this contender's runs (after `BENCH_PIPELINE_CPU_NODE_ARGS`). */
  args: string[];
}

/** One run of `contender` in its own process; resolves with its CPU ms per call. */
async function runOnce(contender: Contender): Promise<{ cpuMsPerCall: number; received: number; expected: number; threads: string }> {
  const receiver = await countingReceiver();
  const prof = process.env.BENCH_PIPELINE_CPU_PROF
    ? ['--cpu-prof', '--cpu-prof-dir', `${process.env.BENCH_PIPELINE_CPU_PROF}/${contender.label.replaceAll(/\W/g, '_')}-${Date.now()}`]
    : [];
  const nodeArgs = (process.env.BENCH_PIPELINE_CPU_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, ...contender.args, ...prof, CHILD, contender.root, receiver.url, String(CALLS), String(RATE), String(HOLD_MS)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${contender.label}: no result within 10 minutes`)), 600_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${contender.label}: exited with ${code} before its result`));
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line === 'count?') child.stdin!.write(`${receiver.state.count}\n`);
        else if (line.startsWith('{')) {
          clearTimeout(timer);
          resolve(JSON.parse(line) as { cpuMsPerCall: number; received: number; expected: number; threads: string });
        } else if (process.env.BENCH_PIPELINE_CPU_ECHO === '1') console.log(`${contender.label}| ${line}`);
      });
    });
  } finally {
    // It exits by itself after its result (writing its profiles first); killed only if it does not.
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000).unref())]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await receiver.close();
  }
}

export async function benchPipelineCpu() {
  const contenders: Contender[] = [
    ...(process.env.BENCH_PIPELINE_CPU_BASELINE ?? '')
      .split(',')
      .filter(Boolean)
      .map((entry) => {
        const [root, ...args] = entry.split('=').slice(1).join('=').split(' ');
        return { label: entry.split('=')[0]!, root: root === '.' ? OWN_ROOT : root!, args };
      }),
    { label: 'this build', root: OWN_ROOT, args: [] },
  ];
  const runs = new Map<string, number[]>(contenders.map((c) => [c.label, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const contender = contenders[(r + k) % contenders.length]!;
      const result = await runOnce(contender);
      if (result.received < result.expected) console.warn(`${contender.label}: ${result.received}/${result.expected} Action URLs received`);
      runs.get(contender.label)!.push(result.cpuMsPerCall);
      console.log(`round ${r + 1} ${contender.label}: ${round(result.cpuMsPerCall, 3)} ms/call (by thread: ${result.threads})`);
    }
  }
  const firstRuns = runs.get(contenders[0]!.label)!;
  const first = median(firstRuns);
  // Each round's ratio to the first contender's run of the same round, then their median: a machine whose
  // load drifts over the rounds moves both runs of a round alike, which the medians of all runs would not undo.
  const roundRatio = (label: string): number => median(runs.get(label)!.map((ms, r) => ms / firstRuns[r]!));
  return {
    name: 'Action URL pipeline CPU per call',
    target: `startServer, simulated line, SQLite journal, 3 Action URLs per call, ${CALLS} calls at ${RATE}/s, median of ${ROUNDS} runs in turns`,
    rows: contenders.map((c) => ({
      contender: c.label,
      cpuMsPerCall: round(median(runs.get(c.label)!), 3),
      runs: runs
        .get(c.label)!
        .map((v) => round(v, 3))
        .join(' '),
      vsFirst: round(median(runs.get(c.label)!) / first, 3),
      vsFirstByRound: round(roundRatio(c.label), 3),
    })),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchPipelineCpu();
  console.log(`\n${result.name}  (${result.target})`);
  console.table(result.rows);
}

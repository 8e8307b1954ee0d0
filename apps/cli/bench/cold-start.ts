/**
 * Cold start: `callhook --version` against a bare `node -e 0`, and `serve` until its `listening on`
 * lines: `--demo` (the simulator line, nothing kept) and a settings file with a SIP line, three Action
 * URLs and a fresh SQLite data directory. For each: wall time, the CPU time the process spent by then
 * (user + system, every thread: /proc/PID/stat), its RSS then (VmRSS, and its anonymous and file-backed
 * parts: RssAnon, RssFile of /proc/PID/status) and again 1 s and 5 s later, left idle (V8 frees start-up
 * garbage and shrinks its young generation only once the process is idle), and, in one more run preloading
 * support/count-modules.mjs, how many files it had loaded (every thread). Medians of a few runs; on a
 * shared machine wall time says little, so CPU time is also given as a ratio to `node -e 0`'s and to
 * the first build's, measured in the same run. No assertions (issue 17's goals: ready ≤ 300 ms, RSS ≤
 * 60 MiB, `--version` ≤ 1.2×).
 *
 * Several builds are measured interleaved (one run of each in turn, so a change of load hits them
 * alike): by default this build's bundle (`dist/main.js`, what `callhook` runs) and the same code
 * unbundled (`dist/cli.js`, tsc's output); `BENCH_COLD_BUILDS=label=path/to/main.js,…` names others,
 * e.g. another worktree's build as the baseline (the first listed is the one the others are compared
 * with); node flags may go before the path (`label=--max-semi-space-size=2 dist/main.js`), and
 * environment variables before those (`nocache=CALLHOOK_CODE_CACHE=off dist/main.js`). `BENCH_COLD_RUNS` (default 7) sets the runs per build and case.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIP_START_SETTINGS } from '../scripts/start-settings.mjs';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const COUNT_MODULES = fileURLToPath(new URL('./support/count-modules.mjs', import.meta.url));
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 7);
/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

interface Build {
  label: string;
  main: string;
  nodeArgs: string[];
  /** Environment of its runs beside the bench's own (`NAME=value` words of BENCH_COLD_BUILDS). */
  env: Record<string, string>;
}

/** The builds to compare, in order: the first is the baseline of the ratios. */
function builds(): Build[] {
  const named = process.env.BENCH_COLD_BUILDS;
  if (named) {
    return named.split(',').map((entry) => {
      const at = entry.indexOf('=');
      const [label, words] = [
        entry.slice(0, at),
        entry
          .slice(at + 1)
          .trim()
          .split(/\s+/),
      ];
      const path = words.pop();
      if (at < 1 || !path) throw new Error(`BENCH_COLD_BUILDS: "${entry}" is not label=[NAME=value …] [node flags] path/to/main.js`);
      const isEnv = (w: string) => /^[A-Z_][A-Z0-9_]*=/.test(w);
      const env = Object.fromEntries(words.filter(isEnv).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]));
      return { label, main: resolve(path), nodeArgs: words.filter((w) => !isEnv(w)), env };
    });
  }
  const own: Build[] = [{ label: 'bundle (dist/main.js)', main: join(DIST, 'main.js'), nodeArgs: [], env: {} }];
  if (existsSync(join(DIST, 'cli.js'))) own.unshift({ label: 'unbundled (dist/cli.js)', main: join(DIST, 'cli.js'), nodeArgs: [], env: {} });
  return own;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (n: number) => Math.round(n * 10) / 10;
const ratio = (n: number) => Math.round(n * 100) / 100;

/** CPU ms of a process from /proc/PID/stat: utime + stime (fields 14, 15), or cutime + cstime (16, 17) of its waited-for children. */
function cpuMs(pid: number | 'self', children = false): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const [user, system] = children ? [fields[13], fields[14]] : [fields[11], fields[12]];
  return ((Number(user) + Number(system)) * 1000) / TICKS_PER_S;
}

/** RSS in MiB from /proc/PID/status: all, anonymous (heaps, malloc), file-backed (the node binary, libraries). */
interface Rss {
  rss: number;
  anon: number;
  file: number;
}

interface Sample {
  ms: number;
  cpuMs: number;
  /** At ready, 1 s and 5 s after it (the process left idle). */
  rss?: { ready: Rss; after1s: Rss; after5s: Rss };
}

/** How long after ready the later RSS samples are taken, in ms. */
const SETTLE_MS = { after1s: 1_000, after5s: 5_000 } as const;

/** Wall and CPU time of one run to its exit. */
function timeSpawn(args: string[], env: Record<string, string> = {}): Sample {
  const cpu0 = cpuMs('self', true);
  const t0 = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return { ms: performance.now() - t0, cpuMs: cpuMs('self', true) - cpu0 };
}

/** Distinct files in a module list written by support/count-modules.mjs. */
function distinctFiles(list: string): number {
  return new Set(readFileSync(list, 'utf8').split('\n').filter(Boolean)).size;
}

function rssOf(pid: number): Rss {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
  return { rss: mib('VmRSS'), anon: mib('RssAnon'), file: mib('RssFile') };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function timeToListening(build: Build, args: string[], moduleList?: string): Promise<Sample> {
  const t0 = performance.now();
  const preload = moduleList ? ['--import', COUNT_MODULES] : [];
  const env = { ...process.env, ...build.env, ...(moduleList ? { CALLHOOK_BENCH_MODULES: moduleList } : {}) };
  const child = spawn(process.execPath, [...build.nodeArgs, ...preload, build.main, 'serve', ...args], { stdio: ['ignore', 'pipe', 'ignore'], env });
  let out = '';
  const ms = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve ${args.join(' ')} not ready in 30 s`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.split('\n').filter((l) => l.startsWith('listening on ')).length === (args.includes('--demo') ? 2 : 1)) {
        clearTimeout(timer);
        resolve(performance.now() - t0);
      }
    });
  });
  const ready = rssOf(child.pid!);
  const cpu = cpuMs(child.pid!);
  const readyAt = performance.now();
  let rss: Sample['rss'];
  if (!moduleList) {
    await sleep(SETTLE_MS.after1s - (performance.now() - readyAt));
    const after1s = rssOf(child.pid!);
    await sleep(SETTLE_MS.after5s - (performance.now() - readyAt));
    rss = { ready, after1s, after5s: rssOf(child.pid!) };
  }
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return { ms, cpuMs: cpu, rss };
}

const dir = mkdtempSync(join(tmpdir(), 'callhook-bench-start-'));
const sipConfig = join(dir, 'callhook.json');
writeFileSync(sipConfig, SIP_START_SETTINGS);
/** Each run gets a data directory of its own: a fresh one, as at a first start. */
let runs = 0;
const SERVES = {
  'serve --demo → listening on (×2)': () => ['--demo', '--port', '0', '--data', ':memory:'],
  'serve --config (SIP line, SQLite) → listening on': () => ['--config', sipConfig, '--port', '0', '--data', join(dir, `data-${runs++}`), '--no-console'],
};

const list = builds();
const samples = new Map<string, Sample[]>();
const add = (key: string, sample: Sample) => samples.set(key, [...(samples.get(key) ?? []), sample]);
for (let i = 0; i < RUNS; i++) {
  add('node', timeSpawn(['-e', '0']));
  for (const build of list) add(`${build.label}|--version`, timeSpawn([...build.nodeArgs, build.main, '--version'], build.env));
  for (const [name, args] of Object.entries(SERVES)) for (const build of list) add(`${build.label}|${name}`, await timeToListening(build, args()));
}
const files = new Map<string, number>();
for (const [name, args] of Object.entries(SERVES)) {
  for (const build of list) {
    const modules = join(dir, `modules-${runs++}.txt`);
    writeFileSync(modules, '');
    await timeToListening(build, args(), modules);
    files.set(`${build.label}|${name}`, distinctFiles(modules));
  }
}
rmSync(dir, { recursive: true, force: true });

type Row = {
  build: string;
  case: string;
  wallMs: number;
  cpuMs: number;
  cpuXNode: number;
  cpuXFirst?: number;
  /** MiB at ready: all, anonymous, file-backed; then all 1 s and 5 s later, and the anonymous part at 5 s. */
  rssMiB?: number;
  anonMiB?: number;
  fileMiB?: number;
  rss1sMiB?: number;
  rss5sMiB?: number;
  anon5sMiB?: number;
  files?: number;
};
const nodeCpu = median(samples.get('node')!.map((s) => s.cpuMs));
const rows: Row[] = [{ build: '', case: 'node -e 0 (reference)', wallMs: round(median(samples.get('node')!.map((s) => s.ms))), cpuMs: nodeCpu, cpuXNode: 1 }];
for (const name of ['--version', ...Object.keys(SERVES)]) {
  const firstCpu = median(samples.get(`${list[0]!.label}|${name}`)!.map((s) => s.cpuMs));
  for (const build of list) {
    const runsOf = samples.get(`${build.label}|${name}`)!;
    const cpu = median(runsOf.map((s) => s.cpuMs));
    const at = (pick: (s: NonNullable<Sample['rss']>) => number) => round(median(runsOf.map((s) => pick(s.rss!))));
    const rss =
      runsOf[0]!.rss === undefined
        ? {}
        : {
            rssMiB: at((r) => r.ready.rss),
            anonMiB: at((r) => r.ready.anon),
            fileMiB: at((r) => r.ready.file),
            rss1sMiB: at((r) => r.after1s.rss),
            rss5sMiB: at((r) => r.after5s.rss),
            anon5sMiB: at((r) => r.after5s.anon),
          };
    const counted = files.get(`${build.label}|${name}`);
    rows.push({
      build: build.label,
      case: name,
      wallMs: round(median(runsOf.map((s) => s.ms))),
      cpuMs: round(cpu),
      cpuXNode: ratio(cpu / nodeCpu),
      ...(list.length > 1 ? { cpuXFirst: ratio(cpu / firstCpu) } : {}),
      ...rss,
      ...(counted === undefined ? {} : { files: counted }),
    });
  }
}
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(
  `\ncold start (medians of ${RUNS}, interleaved; CPU: user + system of every thread until ready; RSS at ready (all, anonymous, file-backed), 1 s and 5 s later; files when ready; load ${load})`,
);
console.table(rows);
// Node 20 reads and parses this whole PEM file before any JavaScript runs, in every start, `node -e 0`'s too
// (on the 2-core machine ~60 ms of a start with Debian's ca-certificates.crt): say so, as it moves every figure.
const extraCaCerts = process.env.NODE_EXTRA_CA_CERTS;
if (extraCaCerts)
  console.log(
    `NODE_EXTRA_CA_CERTS=${extraCaCerts} is set: Node reads it before any JavaScript in every start above; ` +
      `BENCH_COLD_BUILDS="set=dist/main.js,unset=NODE_EXTRA_CA_CERTS= dist/main.js" measures a start without it`,
  );
mkdirSync('artifacts', { recursive: true });
writeFileSync(
  'artifacts/bench-cli.json',
  `${JSON.stringify({ at: new Date().toISOString(), node: process.version, runs: RUNS, load, extraCaCerts: extraCaCerts ?? null, rows }, null, 2)}\n`,
);

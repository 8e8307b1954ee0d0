/**
 * Cold start: `callhook --version` against a bare `node -e 0`, and `serve` until its `listening on`
 * lines: `--demo` (the simulator line, nothing kept) and a settings file with a SIP line, three Action
 * URLs and a fresh SQLite data directory. For each: wall time, the CPU time the process spent by then
 * (user + system, every thread: /proc/PID/stat), its RSS then, and, in one more run preloading
 * support/count-modules.mjs, how many files it had loaded (every thread). Medians of a few runs; on a
 * shared machine wall time says little, so CPU time is also given as a ratio to `node -e 0`'s, measured
 * in the same run. No assertions (issue 17's goals: ready ≤ 300 ms, RSS ≤ 60 MiB, `--version` ≤ 1.2×).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const COUNT_MODULES = fileURLToPath(new URL('./support/count-modules.mjs', import.meta.url));
const RUNS = 7;
/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (n: number) => Math.round(n * 10) / 10;

/** CPU ms of a process from /proc/PID/stat: utime + stime (fields 14, 15), or cutime + cstime (16, 17) of its waited-for children. */
function cpuMs(pid: number | 'self', children = false): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const [user, system] = children ? [fields[13], fields[14]] : [fields[11], fields[12]];
  return ((Number(user) + Number(system)) * 1000) / TICKS_PER_S;
}

/** Wall and CPU time of one run to its exit. */
function timeSpawn(args: string[]): { ms: number; cpuMs: number } {
  const cpu0 = cpuMs('self', true);
  const t0 = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return { ms: performance.now() - t0, cpuMs: cpuMs('self', true) - cpu0 };
}

/** Distinct files in a module list written by support/count-modules.mjs. */
function distinctFiles(list: string): number {
  return new Set(readFileSync(list, 'utf8').split('\n').filter(Boolean)).size;
}

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

async function timeToListening(args: string[], moduleList?: string): Promise<{ ms: number; cpuMs: number; rssMiB: number }> {
  const t0 = performance.now();
  const preload = moduleList ? ['--import', COUNT_MODULES] : [];
  const env = moduleList ? { ...process.env, CALLHOOK_BENCH_MODULES: moduleList } : process.env;
  const child = spawn(process.execPath, [...preload, MAIN, 'serve', ...args], { stdio: ['ignore', 'pipe', 'ignore'], env });
  let out = '';
  const ms = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve --demo not ready in 15 s')), 15_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.split('\n').filter((l) => l.startsWith('listening on ')).length === (args.includes('--demo') ? 2 : 1)) {
        clearTimeout(timer);
        resolve(performance.now() - t0);
      }
    });
  });
  const rssMiB = rssKiB(child.pid!) / 1024;
  const cpu = cpuMs(child.pid!);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return { ms, cpuMs: cpu, rssMiB };
}

const dir = mkdtempSync(join(tmpdir(), 'callhook-bench-start-'));
const sipConfig = join(dir, 'callhook.json');
writeFileSync(
  sipConfig,
  JSON.stringify({
    actionUrls: { enabled: true, slots: ['inbound', 'connected', 'disconnected'].map((on) => ({ on, url: `http://127.0.0.1:9/${on}?guid=<$call_guid>` })) },
    inbound: { enabled: true, listen: ['127.0.0.1'] },
    line: { type: 'sip', aor: 'sip:303@127.0.0.1', port: 0, transport: 'udp', autoAnswer: true },
  }),
);
/** Each run gets a data directory of its own: a fresh one, as at a first start. */
let runs = 0;
const SERVES = {
  'serve --demo (simulator) → listening on (×2)': () => ['--demo', '--port', '0', '--data', ':memory:'],
  'serve --config (SIP line, SQLite) → listening on': () => ['--config', sipConfig, '--port', '0', '--data', join(dir, `data-${runs++}`), '--no-console'],
};

type Row = { name: string; medianMs: number; ratioToNode: number; cpuMs: number; cpuRatioToNode: number; rssMiB?: number; files?: number };
const node = Array.from({ length: RUNS }, () => timeSpawn(['-e', '0']));
const version = Array.from({ length: RUNS }, () => timeSpawn([MAIN, '--version']));
const nodeMs = median(node.map((r) => r.ms));
const nodeCpu = median(node.map((r) => r.cpuMs));
const row = (name: string, ms: number, cpu: number): Row => ({
  name,
  medianMs: round(ms),
  ratioToNode: round(ms / nodeMs),
  cpuMs: round(cpu),
  cpuRatioToNode: round(cpu / nodeCpu),
});
const rows: Row[] = [
  row('node -e 0 (baseline)', nodeMs, nodeCpu),
  row('callhook --version', median(version.map((r) => r.ms)), median(version.map((r) => r.cpuMs))),
];
for (const [name, args] of Object.entries(SERVES)) {
  const serves = [];
  for (let i = 0; i < RUNS; i++) serves.push(await timeToListening(args()));
  const list = join(dir, `modules-${runs++}.txt`);
  writeFileSync(list, '');
  await timeToListening(args(), list);
  rows.push({
    ...row(name, median(serves.map((s) => s.ms)), median(serves.map((s) => s.cpuMs))),
    rssMiB: round(median(serves.map((s) => s.rssMiB))),
    files: distinctFiles(list),
  });
}
rmSync(dir, { recursive: true, force: true });
console.log('\ncold start (medians; CPU: user + system of every thread until ready; RSS and files when ready)');
console.table(rows);
const rss = rows[2]!.rssMiB;
mkdirSync('artifacts', { recursive: true });
writeFileSync('artifacts/bench-cli.json', `${JSON.stringify({ at: new Date().toISOString(), node: process.version, rows, serveRssMiB: rss }, null, 2)}\n`);

/**
 * Cold start: `callhook --version` against a bare `node -e 0`, and `serve --demo` until its
 * `listening on` lines, with the server's RSS then. Medians of a few runs; ratios, no assertions.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const RUNS = 7;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (n: number) => Math.round(n * 10) / 10;

function timeSpawn(args: string[]): number {
  const t0 = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return performance.now() - t0;
}

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

async function timeToListening(): Promise<{ ms: number; rssMiB: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [MAIN, 'serve', '--demo', '--port', '0', '--data', ':memory:'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  const ms = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve --demo not ready in 15 s')), 15_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.split('\n').filter((l) => l.startsWith('listening on ')).length === 2) {
        clearTimeout(timer);
        resolve(performance.now() - t0);
      }
    });
  });
  const rssMiB = rssKiB(child.pid!) / 1024;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return { ms, rssMiB };
}

const node = Array.from({ length: RUNS }, () => timeSpawn(['-e', '0']));
const version = Array.from({ length: RUNS }, () => timeSpawn([MAIN, '--version']));
const serves = [];
for (let i = 0; i < 5; i++) serves.push(await timeToListening());
const rows = [
  { name: 'node -e 0 (baseline)', medianMs: round(median(node)), ratioToNode: 1 },
  { name: 'callhook --version', medianMs: round(median(version)), ratioToNode: round(median(version) / median(node)) },
  {
    name: 'serve --demo → listening on (×2)',
    medianMs: round(median(serves.map((s) => s.ms))),
    ratioToNode: round(median(serves.map((s) => s.ms)) / median(node)),
  },
];
console.log('\ncold start (medians)');
console.table(rows);
const rss = round(median(serves.map((s) => s.rssMiB)));
console.log(`serve --demo RSS when ready: ${rss} MiB`);
mkdirSync('artifacts', { recursive: true });
writeFileSync('artifacts/bench-cli.json', `${JSON.stringify({ at: new Date().toISOString(), node: process.version, rows, serveRssMiB: rss }, null, 2)}\n`);

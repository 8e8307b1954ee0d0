/**
 * Cold start: `callhook --version` against a bare `node -e 0`, and `serve` until its `listening on`
 * lines, with the server's RSS then: `--demo` (the simulator line) and a settings file with a SIP line
 * and three Action URLs. Medians of a few runs; ratios, no assertions.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

async function timeToListening(args: string[]): Promise<{ ms: number; rssMiB: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [MAIN, 'serve', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
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
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return { ms, rssMiB };
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
const SERVES = {
  'serve --demo (simulator) → listening on (×2)': ['--demo', '--port', '0', '--data', ':memory:'],
  'serve --config (SIP line, SQLite) → listening on': ['--config', sipConfig, '--port', '0', '--data', join(dir, 'data'), '--no-console'],
};

const node = Array.from({ length: RUNS }, () => timeSpawn(['-e', '0']));
const version = Array.from({ length: RUNS }, () => timeSpawn([MAIN, '--version']));
const rows: { name: string; medianMs: number; ratioToNode: number; rssMiB?: number }[] = [
  { name: 'node -e 0 (baseline)', medianMs: round(median(node)), ratioToNode: 1 },
  { name: 'callhook --version', medianMs: round(median(version)), ratioToNode: round(median(version) / median(node)) },
];
for (const [name, args] of Object.entries(SERVES)) {
  const serves = [];
  for (let i = 0; i < RUNS; i++) serves.push(await timeToListening(args));
  const ms = median(serves.map((s) => s.ms));
  rows.push({ name, medianMs: round(ms), ratioToNode: round(ms / median(node)), rssMiB: round(median(serves.map((s) => s.rssMiB))) });
}
console.log('\ncold start (medians; RSS when ready)');
console.table(rows);
const rss = rows[2]!.rssMiB;
mkdirSync('artifacts', { recursive: true });
writeFileSync('artifacts/bench-cli.json', `${JSON.stringify({ at: new Date().toISOString(), node: process.version, rows, serveRssMiB: rss }, null, 2)}\n`);

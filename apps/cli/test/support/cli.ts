import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Generous deadlines: these bound a hang, they are not speed targets. On a busy 2-core machine (the
 * whole suite running beside) a cold `node` start alone can take seconds.
 */
const RUN_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 60_000;

/**
 * Runs the built CLI to completion (bounded by `timeout`). Never synchronously: a vitest worker whose
 * event loop is blocked for a minute (a few slow CLI runs in a row on a busy machine) misses vitest's
 * own RPC deadline ("Timeout calling onTaskUpdate") and fails the run.
 */
export function runCli(args: string[], env: Record<string, string> = {}, timeout = RUN_TIMEOUT_MS): Promise<RunResult> {
  return spawnCli(args, env, timeout).result;
}

/** Same, without blocking the event loop (needed while a receiver in this process must answer). */
export function runCliAsync(args: string[], env: Record<string, string> = {}, timeout = RUN_TIMEOUT_MS): Promise<RunResult> {
  return spawnCli(args, env, timeout).result;
}

export interface RunningCli {
  /** What the command printed on stdout so far. */
  stdout: () => string;
  /** What the command printed on stderr so far. */
  stderr: () => string;
  result: Promise<RunResult>;
}

/** Starts the built CLI and lets the test watch its output while it runs (killed after `timeout`). */
export function spawnCli(args: string[], env: Record<string, string> = {}, timeout = RUN_TIMEOUT_MS): RunningCli {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
  const result = (async () => {
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
    return { code, stdout, stderr };
  })();
  return { stdout: () => stdout, stderr: () => stderr, result };
}

export interface Served {
  child: ChildProcess;
  urls: string[];
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * Kills a test's `serve` if it still runs and waits for its exit: for an `afterEach`, so a failed or
 * timed-out test leaves no server behind. Does nothing for null or a server that already exited.
 */
export async function stopServed(served: Served | null): Promise<void> {
  if (!served || served.child.exitCode !== null || served.child.signalCode !== null) return;
  served.child.kill('SIGKILL');
  await served.exited;
}

/**
 * Starts `callhook serve …` and resolves once it printed one `listening on` line per expected address.
 * `node.args` go to node before the script (e.g. `--import` a preload), `node.env` into its environment.
 */
export async function startServe(
  args: string[],
  addresses = 2,
  timeoutMs = READY_TIMEOUT_MS,
  node: { args?: string[]; env?: Record<string, string> } = {},
): Promise<Served> {
  const child = spawn(process.execPath, [...(node.args ?? []), MAIN, 'serve', ...args], {
    env: { ...process.env, NO_COLOR: '1', ...node.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const urls = await new Promise<string[]>((resolve, reject) => {
    if (addresses === 0) return resolve([]);
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // the test fails; the server must not outlive it
      reject(new Error(`serve not ready in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const lines = stdout.split('\n').filter((l) => l.startsWith('listening on '));
      if (lines.length >= addresses) {
        clearTimeout(timer);
        resolve(lines.map((l) => l.slice('listening on '.length)));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
  return { child, urls, stdout: () => stdout, stderr: () => stderr, exited };
}

import type { CallSnapshot, SettingsInput } from '@callhook/core';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ConsoleServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Active calls, as the control API reports them. */
  activeCalls(): Promise<CallSnapshot[]>;
  stop(): Promise<void>;
}

/** The same directory `@callhook/ui/dist-path` exports (checked in test/dist-path.test.ts). */
export const consoleDir = fileURLToPath(new URL('../../../dist/console/', import.meta.url));
/** The built `callhook` command (packages/ui/turbo.json makes the test task wait for its build). */
const CLI = fileURLToPath(new URL('../../../../../apps/cli/dist/main.js', import.meta.url));
const READY_MS = 90_000;

/**
 * A real `callhook serve` child process on the simulated line (or the test's `lines`), listening on 127.0.0.1 with a free
 * port; it serves the built console under /console/ exactly as users get it.
 */
export async function startConsoleServer(settings: SettingsInput): Promise<ConsoleServer> {
  if (!existsSync(join(consoleDir, 'index.html'))) {
    throw new Error(`the console is not built (${consoleDir} has no index.html): run pnpm --filter @callhook/ui build`);
  }
  if (!existsSync(CLI)) throw new Error(`the callhook command is not built (${CLI}): run pnpm --filter @callhook/cli build`);
  const dir = mkdtempSync(join(tmpdir(), 'callhook-console-'));
  const file = join(dir, 'callhook.json');
  const inbound = { listen: ['127.0.0.1'], ...settings.inbound };
  // The simulated line unless the test brings its own lines (a desk phone).
  const lines = settings.lines ? {} : { line: { type: 'simulator', answerAfterMs: null } };
  writeFileSync(file, JSON.stringify({ ...settings, inbound, ...lines }));
  const child = spawn(process.execPath, [CLI, 'serve', '--config', file, '--port', '0', '--data', ':memory:'], {
    env: { ...process.env, NO_COLOR: '1', DISPLAY: '', WAYLAND_DISPLAY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const origin = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`callhook serve was not ready in ${READY_MS} ms:\n${stderr}`));
    }, READY_MS);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)\/$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`callhook serve exited with ${code}:\n${stderr}`));
    });
  });
  const token = settings.inbound?.token ?? null;
  return {
    origin,
    async activeCalls() {
      const response = await fetch(`${origin}/api/v1/calls`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      return ((await response.json()) as { active: CallSnapshot[] }).active;
    },
    async stop() {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

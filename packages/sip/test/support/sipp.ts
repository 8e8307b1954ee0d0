import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePeer } from './peers.js';

export interface SippResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface SippRun {
  pid: number;
  /** Its working directory (trace and stat files land here). */
  cwd: string;
  done: Promise<SippResult>;
  kill(): void;
}

/**
 * Starts sipp (never on 5060) with `-nostdin` in a temp dir, removed when it exits unless `keepDir`;
 * killed after `limitMs` so a run is bounded. `wrap` runs it through an argv prefix (`ip netns exec <name>`).
 */
export function startSipp(args: string[], limitMs = 30_000, keepDir = false, wrap?: (argv: string[]) => string[]): SippRun {
  const binary = requirePeer('sipp');
  const cwd = mkdtempSync(join(tmpdir(), 'callhook-sipp-'));
  const full = [binary, ...args, '-nostdin', '-trace_err'];
  const [command, ...argv] = wrap ? wrap(full) : full;
  const child = spawn(command!, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-20_000)));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const done = new Promise<SippResult>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!keepDir) rmSync(cwd, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
  return { pid: child.pid ?? -1, cwd, done, kill: () => child.kill('SIGKILL') };
}

export const fixture = (name: string): string => join(import.meta.dirname, '..', 'fixtures', name);

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
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

export interface UacOptions {
  /** sipp's scenario: `['-sn', 'uac']` (its built-in caller) unless given, e.g. `['-sf', file]`. */
  scenario?: string[];
  /** How many calls (`-m`); 1 unless given. */
  calls?: number;
  /** More sipp arguments (`-r`, `-d`, `-trace_stat` …). */
  extra?: string[];
  /** sipp's own `-timeout` (a failure with `-timeout_error`); `10s` unless given. */
  timeout?: string;
  /** `tcp` adds `-t t1` (one TCP connection); UDP unless given. */
  transport?: 'udp' | 'tcp';
}

/** The arguments for sipp calling user 303 at `target` as a UAC from a free loopback port. */
export async function uacArgs(target: string, options: UacOptions = {}): Promise<string[]> {
  return [
    ...(options.scenario ?? ['-sn', 'uac']),
    target,
    '-s',
    '303',
    '-i',
    '127.0.0.1',
    '-p',
    String(await freePort()),
    '-m',
    String(options.calls ?? 1),
    ...(options.extra ?? []),
    '-timeout',
    options.timeout ?? '10s',
    '-timeout_error',
    ...(options.transport === 'tcp' ? ['-t', 't1'] : []),
  ];
}

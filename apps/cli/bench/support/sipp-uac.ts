import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeSipPort, sippBinary } from '../../test/support/sipp.js';

export interface UacLoad {
  /** `host:port` to call. */
  target: string;
  calls: number;
  /** Calls started per second (`-r`); at most `rate * 5` at once (`-l`). */
  rate: number;
  /** How long each call is held, ms (`-d`); 200 unless given. */
  holdMs?: number;
  /** `tcp` adds `-t t1` (one TCP connection); UDP unless given. */
  transport?: 'udp' | 'tcp';
  /** The user called (`-s`); sipp's default `service` unless given. */
  user?: string;
}

export interface UacLoadResult {
  code: number | null;
  /** Wall time from sipp's start to its exit. */
  seconds: number;
  successful: number;
  failed: number;
}

/**
 * sipp's built-in uac: `calls` calls at `rate`/s from free loopback ports, bounded in time (`-timeout`
 * a minute past the calls' own length), in a temporary working directory removed afterwards. The call
 * counts are read from sipp's final statistics screen (NaN when it printed none).
 */
export async function sippUacLoad(load: UacLoad): Promise<UacLoadResult> {
  const [port, control, media] = [await freeSipPort(), await freeSipPort(), await freeSipPort()];
  const args = [
    ...['-sn', 'uac', load.target, '-i', '127.0.0.1', '-p', String(port), '-cp', String(control), '-mp', String(media)],
    ...['-m', String(load.calls), '-r', String(load.rate), '-d', String(load.holdMs ?? 200), '-l', String(load.rate * 5), '-nostdin'],
    ...['-timeout', `${Math.ceil(load.calls / load.rate) + 60}s`, '-timeout_error'],
    ...(load.user ? ['-s', load.user] : []),
    ...(load.transport === 'tcp' ? ['-t', 't1'] : []),
  ];
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'callhook-bench-sipp-'));
  const child = spawn(sippBinary(), args, { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-6_000)));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  rmSync(dir, { recursive: true, force: true });
  const counter = (name: string) => Number(new RegExp(`${name}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`).exec(out)?.[1] ?? NaN);
  return { code, seconds: (performance.now() - started) / 1000, successful: counter('Successful call'), failed: counter('Failed call') };
}

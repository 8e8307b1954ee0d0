import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startSipp, uacArgs } from '../test/support/sipp.js';

export interface StepResult {
  rate: number;
  calls: number;
  successful: number;
  failed: number;
  /** Mean call length in ms (setup + hold time + teardown), from sipp's statistics. */
  meanCallMs: number;
  exitCode: number | null;
}

export interface StepOptions {
  target: string;
  transport: 'udp' | 'tcp';
  rate: number;
  seconds: number;
  holdMs: number;
}

/** One bounded sipp uac load step (`-r rate -m rate*seconds`) against a target; parses its stat file. */
export async function runUacStep(options: StepOptions): Promise<StepResult> {
  const calls = options.rate * options.seconds;
  const args = await uacArgs(options.target, {
    calls,
    extra: ['-r', String(options.rate), '-d', String(options.holdMs), '-trace_stat', '-stf', 'stat.csv', '-fd', '1'],
    timeout: `${options.seconds + 15}s`,
    transport: options.transport,
  });
  const run = startSipp(args, (options.seconds + 20) * 1000, true);
  const result = await run.done;
  const stats = readStats(join(run.cwd, 'stat.csv'));
  rmSync(run.cwd, { recursive: true, force: true });
  return { rate: options.rate, calls, successful: stats.successful, failed: stats.failed, meanCallMs: stats.meanCallMs, exitCode: result.code };
}

function readStats(file: string): { successful: number; failed: number; meanCallMs: number } {
  try {
    const rows = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(';'));
    const header = rows[0]!;
    const last = rows.at(-1)!;
    const value = (name: string) => last[header.indexOf(name)] ?? '';
    return { successful: Number(value('SuccessfulCall(C)')), failed: Number(value('FailedCall(C)')), meanCallMs: durationMs(value('CallLength(C)')) };
  } catch {
    return { successful: 0, failed: -1, meanCallMs: Number.NaN };
  }
}

/** sipp writes durations as hh:mm:ss:micro (e.g. 00:00:00:106000). */
function durationMs(text: string): number {
  const [hours, minutes, seconds, micros] = text.split(':').map(Number);
  return ((hours ?? 0) * 3600 + (minutes ?? 0) * 60 + (seconds ?? 0)) * 1000 + (micros ?? 0) / 1000;
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

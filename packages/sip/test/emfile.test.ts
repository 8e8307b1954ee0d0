import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LineEvent } from '@callhook/core';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './support/free-port.js';
import { LineProcess } from './support/line-process.js';
import { scenario } from './support/scenario.js';
import { startSipp } from './support/sipp.js';
import { waitFor } from '@callhook/test-support';

const CALLS = 12;
/** Descriptors left free above what the idle line holds: each answered call takes one (its RTP socket). */
const HEADROOM = 4;
const HOLD_MS = 4_000;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const refusedForRtp = (event: LineEvent) => event.type === 'ended' && event.cause === 'failed' && /cannot open an RTP port: .*EMFILE/.test(event.detail ?? '');
const answered = (event: LineEvent) => event.type === 'answered';

async function sippCalls(port: number, args: string[], keepDir = false) {
  const sipp = startSipp(
    ['-i', '127.0.0.1', '-p', String(await freePort()), '-s', '303', '-timeout', '30s', '-timeout_error', ...args, `127.0.0.1:${port}`],
    45_000,
    keepDir,
  );
  cleanups.push(() => sipp.kill());
  return { sipp, result: await sipp.done };
}

describe('descriptors run out (EMFILE) while calls come in', () => {
  it('refuses the calls it cannot open an RTP port for with 503, stays up, and answers again once calls end', async () => {
    const line = await LineProcess.start({ type: 'sip', aor: 'sip:303@127.0.0.1', transport: 'udp', autoAnswer: true });
    cleanups.push(() => line.stop());

    // One ordinary call first, so whatever the process loads lazily is loaded before the limit.
    const warmUp = await sippCalls(line.port, ['-sn', 'uac', '-m', '1', '-d', '100']);
    expect(warmUp.result.code, warmUp.result.stdout).toBe(0);
    await waitFor(() => line.events.some((event) => event.type === 'ended'), 'the warm-up call to end', 10_000);

    // Lower the running process's limit (util-linux prlimit) to what it holds now plus a few.
    const limit = line.openDescriptors() + HEADROOM;
    execFileSync('prlimit', ['--pid', String(line.pid), `--nofile=${limit}:${limit}`]);
    expect(
      execFileSync('prlimit', ['--pid', String(line.pid), '--nofile', '--noheadings', '--output=SOFT'])
        .toString()
        .trim(),
    ).toBe(String(limit));

    // CALLS calls at once, each held HOLD_MS: more than the free descriptors.
    const flood = await sippCalls(
      line.port,
      ['-sf', scenario('uac-answered-or-refused.xml', { HOLD_MS }), '-m', String(CALLS), '-l', String(CALLS), '-r', '50', '-trace_msg'],
      true,
    );
    cleanups.push(() => rmSync(flood.sipp.cwd, { recursive: true, force: true }));
    expect(flood.result.code, `every call answered or refused, none unanswered: ${flood.result.stdout.slice(-3000)}`).toBe(0);
    const trace = readdirSync(flood.sipp.cwd)
      .filter((name) => name.endsWith('_messages.log'))
      .map((name) => readFileSync(join(flood.sipp.cwd, name), 'latin1'))
      .join('');
    const refusals = trace.match(/^SIP\/2\.0 503 .*$/gm) ?? [];
    const oks = trace.match(/^SIP\/2\.0 200 OK[\s\S]*?^CSeq: 1 INVITE/gm) ?? [];
    const answeredCount = line.events.filter(answered).length - 1; // minus the warm-up call
    const refusedCount = line.events.filter(refusedForRtp).length;
    console.info(
      `EMFILE: limit ${limit} descriptors, ${CALLS} concurrent calls: ${answeredCount} answered, ${refusedCount} refused with 503 (sipp saw ${refusals.length} 503s)`,
    );
    expect(refusedCount).toBeGreaterThan(0);
    expect(answeredCount).toBeGreaterThan(0);
    expect(answeredCount + refusedCount).toBe(CALLS);
    expect(refusals.length).toBeGreaterThanOrEqual(refusedCount);
    expect(oks.length).toBeGreaterThanOrEqual(answeredCount);
    expect(trace).toMatch(/^Retry-After: 30$/m);
    expect(trace).toMatch(/^Warning: 399 callhook "cannot open an RTP port: .*EMFILE/m);
    expect(line.alive, line.output).toBe(true);

    // The held calls have ended (sipp sent BYE): their descriptors are free again, new calls are answered.
    await waitFor(() => line.events.filter((event) => event.type === 'ended').length === CALLS + 1, 'every flood call to end', 15_000);
    const before = line.events.filter(answered).length;
    const after = await sippCalls(line.port, ['-sn', 'uac', '-m', '3', '-l', '1', '-d', '100']);
    expect(after.result.code, after.result.stdout).toBe(0);
    expect(line.events.filter(answered).length - before).toBe(3);
    expect(line.alive, line.output).toBe(true);
  }, 90_000);
});

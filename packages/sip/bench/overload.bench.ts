/**
 * Overload benchmark (issue 17, "correct under overload"): sipp uac offers new calls at OFFERED calls/s
 * (about twice what the line starts on a 2-core machine), each held HOLD_MS, against the line
 * (autoAnswer, its own process, as `callhook serve` runs it) and, in the same run, against sipp's own
 * uas at the same rate. Printed as ratios so they do not depend on the machine:
 * - admitted / offered, and the share refused with 503;
 * - BYE → 200 time at the 50th and 99th percentile over T1 (the BYE retransmission interval), callhook and sipp uas;
 * - call length in callhook (answered → ended) / hold time, median and max, and calls over hold + 100 ms.
 * Before the fix (the parent of commit 8e26fc4) the same 400/s offered gave BYE p99 ~ 8-12 s and call lengths
 * up to 32× the hold (the 64×T1 ACK timeout). sipp shares the CPU with the line, and a call's length in
 * callhook includes any lateness of sipp's BYE: on a machine busy with other work every figure gets worse,
 * so note the load average beside them. ≤ 1 min.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { sleep, waitFor } from '@callhook/test-support';
import { freePort } from '../test/support/free-port.js';
import { LineProcess } from '../test/support/line-process.js';
import { scenario } from '../test/support/scenario.js';
import { startSipp } from '../test/support/sipp.js';

const OFFERED = 400;
const SECONDS = 4;
const HOLD_MS = 1_000;
const CALLS = OFFERED * SECONDS;
const T1_MS = 500;

interface Run {
  answered: number;
  refused: number;
  failed: boolean;
  byeMs: number[];
}

/** sipp uac with the overload scenario against `target`; BYE → 200 times from its -trace_rtt file. */
async function offer(target: string): Promise<Run> {
  const sipp = startSipp(
    [
      ...['-sf', scenario('uac-overload.xml', { HOLD_MS }), '-i', '127.0.0.1', '-p', String(await freePort()), '-s', '303'],
      ...['-r', String(OFFERED), '-m', String(CALLS), '-timeout', '60s', '-timeout_error', '-trace_msg', '-trace_rtt', '-rtt_freq', '1', target],
    ],
    90_000,
    true,
  );
  const result = await sipp.done;
  const read = (suffix: string) =>
    readdirSync(sipp.cwd)
      .filter((name) => name.endsWith(suffix))
      .map((name) => readFileSync(join(sipp.cwd, name), 'latin1'))
      .join('');
  const trace = read('_messages.log');
  const byeMs = read('_rtt.csv')
    .split('\n')
    .slice(1)
    .map((row) => Number(row.split(';')[1]))
    .filter(Number.isFinite);
  rmSync(sipp.cwd, { recursive: true, force: true });
  const received = trace.split(/^-{20,}.*$/m).filter((block) => /^UDP message received/m.test(block));
  const callIds = (status: string) =>
    new Set(
      received
        .filter((block) => new RegExp(`^SIP/2\\.0 ${status} `, 'm').test(block) && /^CSeq:\s*1 INVITE\s*$/m.test(block))
        .map((block) => /^Call-ID:\s*(\S+)/m.exec(block)?.[1]),
    );
  return { answered: callIds('200').size, refused: callIds('503').size, failed: result.code !== 0, byeMs: byeMs.sort((a, b) => a - b) };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : `${a} / 0`);

const line = await LineProcess.start({ type: 'sip', aor: 'sip:303@127.0.0.1', transport: 'udp', autoAnswer: true });
let callhook: Run;
let lengths: number[];
try {
  callhook = await offer(`127.0.0.1:${line.port}`);
  const ended = () => line.events.filter((event) => event.type === 'ended').length;
  await waitFor(() => ended() >= line.events.filter((event) => event.type === 'answered').length, 'every call to end', 60_000).catch(() => undefined);
  const answeredAt = new Map<string, number>();
  lengths = [];
  line.events.forEach((event, index) => {
    if (event.type === 'answered') answeredAt.set(event.lineCallId, line.eventTimes[index]!);
    if (event.type === 'ended' && answeredAt.has(event.lineCallId)) lengths.push(line.eventTimes[index]! - answeredAt.get(event.lineCallId)!);
  });
  lengths.sort((a, b) => a - b);
} finally {
  await line.stop();
}
const uasPort = await freePort();
const uas = startSipp(['-sn', 'uas', '-i', '127.0.0.1', '-p', String(uasPort)], 90_000);
let baseline: Run;
try {
  await sleep(300);
  baseline = await offer(`127.0.0.1:${uasPort}`);
} finally {
  uas.kill();
  await uas.done;
}

const late = lengths.filter((ms) => ms > HOLD_MS + 100).length;
console.log(
  `\nload average ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')} on ${cpus().length} CPUs`,
);
console.log(`sipp uac offering ${OFFERED} calls/s for ${SECONDS} s, each held ${HOLD_MS} ms; the line (autoAnswer) vs sipp uas, same run`);
console.log(
  `callhook: ${callhook.answered} answered, ${callhook.refused} refused with 503${callhook.failed ? ', SOME CALLS FAILED in sipp' : ''}; sipp uas: ${baseline.answered} answered`,
);
console.log(`admitted / offered                        ${ratio(callhook.answered, CALLS)}  (refused with 503: ${ratio(callhook.refused, CALLS)})`);
// sipp uas answers a BYE within sipp's 1 ms resolution, so the BYE times are given against T1 (500 ms,
// when the caller retransmits it): under 1, no BYE had to be sent twice.
console.log(`BYE → 200 p50 / T1, callhook (sipp uas)    ${ratio(quantile(callhook.byeMs, 0.5), T1_MS)} (${ratio(quantile(baseline.byeMs, 0.5), T1_MS)})`);
console.log(`BYE → 200 p99 / T1, callhook (sipp uas)    ${ratio(quantile(callhook.byeMs, 0.99), T1_MS)} (${ratio(quantile(baseline.byeMs, 0.99), T1_MS)})`);
console.log(`call length in callhook / hold, median     ${ratio(quantile(lengths, 0.5), HOLD_MS)}`);
console.log(`call length in callhook / hold, max        ${ratio(lengths.at(-1) ?? Number.NaN, HOLD_MS)}`);
console.log(`calls over hold + 100 ms / answered        ${ratio(late, lengths.length)}`);
console.log(`(line overload counters: ${JSON.stringify(line.overload)})`);

/**
 * SRTP benchmark: the line's CPU per call-second with SDES-SRTP (RFC 3711, AES_CM_128_HMAC_SHA1_80,
 * SRTCP too) beside plain RTP, measured over the same seconds: two lines in their own processes
 * (srtp-line.ts), one with N answered G.711 calls in plain RTP and one with N in SRTP, media both ways
 * (no recording, so the figure is the media path's own). Their far ends run in two more child processes
 * (media-peers.ts) whose CPU is not counted. Measuring both at once makes the machine's load hit both
 * alike; steps taken one after the other on a shared 2-core machine varied by ±50% between steps, more
 * than the SRTP cost itself. Reports each round, the mean of each and their ratio (issue 13 target:
 * ≤ 1.3×). ≤ 1 min. CALLHOOK_SRTP_BENCH_CALLS, CALLHOOK_SRTP_BENCH_SECONDS and
 * CALLHOOK_SRTP_BENCH_ROUNDS change the call count, round length and rounds;
 * CALLHOOK_SRTP_BENCH_PROFILE=<dir> writes each line's V8 CPU profiles to <dir>/plain and <dir>/srtp (`node --cpu-prof`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CALLS = Number(process.env.CALLHOOK_SRTP_BENCH_CALLS ?? 25);
const ROUND_SECONDS = Number(process.env.CALLHOOK_SRTP_BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.CALLHOOK_SRTP_BENCH_ROUNDS ?? 3);
const TARGET_RATIO = 1.3;

interface Measured {
  type: 'measured';
  cpuMs: number;
  /** The part of `cpuMs` spent in the kernel (sending and receiving UDP). */
  systemMs: number;
  seconds: number;
  calls: number;
  encrypted: number;
  dropped: number;
}

/** Sends `message` to `child` (if any) and resolves with its first reply of type `reply`; rejects on its `error`. */
function ask<T>(child: ChildProcess, message: object | undefined, reply: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (answer: { type: string; message?: string }) => {
      if (answer.type === 'error') reject(new Error(answer.message));
      else if (answer.type === reply) resolve(answer as T);
      else return;
      child.off('message', onMessage);
    };
    child.on('message', onMessage);
    if (message) child.send(message);
  });
}

/** A directory to write each line's V8 CPU profiles to (`plain/`, `srtp/`: one per thread, tsx's loader has its own), or none. */
const PROFILE_DIR = process.env.CALLHOOK_SRTP_BENCH_PROFILE;

const children: ChildProcess[] = [];
const start = (file: string, profile?: string) => {
  const execArgv = ['--import', 'tsx'];
  if (PROFILE_DIR && profile) execArgv.push('--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}/${profile}`);
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), [], { execArgv });
  children.push(child);
  return child;
};

/** A line and its callers, `srtp` or plain, calls up. */
async function setUp(srtp: boolean): Promise<{ line: ChildProcess; peers: ChildProcess }> {
  const line = start('./srtp-line.ts', srtp ? 'srtp' : 'plain');
  const { port } = await ask<{ port: number }>(line, undefined, 'listening');
  const peers = start('./media-peers.ts');
  await ask(peers, { type: 'start', port, calls: CALLS, srtp }, 'ready');
  return { line, peers };
}

try {
  const plain = await setUp(false);
  const secure = await setUp(true);
  // Let the calls settle (decoders made, first RTCP) before measuring.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const cpu = { plain: [] as number[], secure: [] as number[] };
  for (let round = 1; round <= ROUNDS; round++) {
    const [p, s] = await Promise.all([
      ask<Measured>(plain.line, { type: 'measure', seconds: ROUND_SECONDS }, 'measured'),
      ask<Measured>(secure.line, { type: 'measure', seconds: ROUND_SECONDS }, 'measured'),
    ]);
    if (p.calls !== CALLS || p.encrypted !== 0) throw new Error(`plain line: ${p.calls} calls, ${p.encrypted} with SRTP; expected ${CALLS}, 0`);
    if (s.calls !== CALLS || s.encrypted !== CALLS) throw new Error(`SRTP line: ${s.calls} calls, ${s.encrypted} with SRTP; expected ${CALLS} of ${CALLS}`);
    if (s.dropped > 0) throw new Error(`${s.dropped} SRTP packets dropped in a clean run`);
    const perCallSecond = (m: Measured) => m.cpuMs / (CALLS * m.seconds);
    cpu.plain.push(perCallSecond(p));
    cpu.secure.push(perCallSecond(s));
    console.log(
      `srtp: round ${round}, ${CALLS} calls each, G.711 both ways: plain RTP ${perCallSecond(p).toFixed(3)} ms, SRTP ${perCallSecond(s).toFixed(3)} ms CPU per call-second (${(perCallSecond(s) / perCallSecond(p)).toFixed(2)}×; system part ${(p.systemMs / p.cpuMs).toFixed(2)}, ${(s.systemMs / s.cpuMs).toFixed(2)})`,
    );
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const ratio = mean(cpu.secure) / mean(cpu.plain);
  console.log(
    `srtp: mean ${mean(cpu.plain).toFixed(3)} ms (plain RTP) vs ${mean(cpu.secure).toFixed(3)} ms (SRTP) CPU per call-second: ratio ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}`,
  );
  await Promise.all([plain, secure].map(({ peers }) => ask(peers, { type: 'hangup' }, 'done')));
  const exited = (line: ChildProcess) => new Promise((resolve) => line.once('exit', resolve).send({ type: 'stop' }));
  await Promise.race([Promise.all([plain, secure].map(({ line }) => exited(line))), new Promise((resolve) => setTimeout(resolve, 10_000))]);
} finally {
  for (const child of children) child.kill();
}

/**
 * SRTP benchmark: the line's CPU per call-second with SDES-SRTP (RFC 3711, AES_CM_128_HMAC_SHA1_80,
 * SRTCP too) beside plain RTP, in the same run: N concurrent answered G.711 calls with media both ways
 * (no recording, so the figure is the media path's own), plain and SRTP steps alternating so drift of a
 * shared machine hits both alike. The far ends run in a child process (media-peers.ts) whose CPU is not
 * counted. Reports each step, the mean of each kind and their ratio (issue 13 target: ≤ 1.3×). ≤ 2 min.
 * CALLHOOK_SRTP_BENCH_CALLS and CALLHOOK_SRTP_BENCH_SECONDS change the call count and step length.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createSipLine, SipLineSchema } from '../src/index.js';

const CALLS = Number(process.env.CALLHOOK_SRTP_BENCH_CALLS ?? 25);
const STEP_SECONDS = Number(process.env.CALLHOOK_SRTP_BENCH_SECONDS ?? 10);
const ROUNDS = 3;
const TARGET_RATIO = 1.3;

function ask(child: ChildProcess, message: object, reply: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (answer: { type: string; message?: string }) => {
      if (answer.type === 'error') reject(new Error(answer.message));
      else if (answer.type === reply) resolve();
      else return;
      child.off('message', onMessage);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

/** One step: `calls` calls plain or SRTP for STEP_SECONDS; the line's CPU ms per call-second. */
async function step(srtp: boolean): Promise<number> {
  const line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', autoAnswer: true, media: { encryption: 'sdes' } }));
  await line.start();
  const child = fork(fileURLToPath(new URL('./media-peers.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
  try {
    await ask(child, { type: 'start', port: line.localAddress!.port, calls: CALLS, srtp }, 'ready');
    const encrypted = line.callIds().filter((id) => line.callMedia(id)?.encryption !== 'none').length;
    if (encrypted !== (srtp ? CALLS : 0)) throw new Error(`${encrypted} of ${CALLS} calls use SRTP, expected ${srtp ? CALLS : 0}`);
    // Let the calls settle (decoders made, first RTCP) before measuring.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    await new Promise((resolve) => setTimeout(resolve, STEP_SECONDS * 1000));
    const cpu = process.cpuUsage(cpuBefore);
    const seconds = (performance.now() - wallBefore) / 1000;
    const dropped = line.callIds().reduce((sum, id) => sum + (line.callMedia(id)?.srtpDropped ?? 0), 0);
    if (dropped > 0) throw new Error(`${dropped} SRTP packets dropped in a clean run`);
    await ask(child, { type: 'hangup' }, 'done');
    return (cpu.user + cpu.system) / 1000 / (CALLS * seconds);
  } finally {
    child.kill();
    await line.stop();
  }
}

const plain: number[] = [];
const secure: number[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  for (const srtp of round % 2 === 1 ? [false, true] : [true, false]) {
    const cpu = await step(srtp);
    (srtp ? secure : plain).push(cpu);
    console.log(`srtp: round ${round}, ${CALLS} calls, G.711 both ways, ${srtp ? 'SRTP' : 'plain RTP'}: ${cpu.toFixed(3)} ms CPU per call-second`);
  }
}
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const ratio = mean(secure) / mean(plain);
console.log(
  `srtp: mean ${mean(plain).toFixed(3)} ms (plain RTP) vs ${mean(secure).toFixed(3)} ms (SRTP) CPU per call-second: ratio ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}`,
);

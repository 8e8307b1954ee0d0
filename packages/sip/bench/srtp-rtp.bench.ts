/**
 * SRTP benchmark: the line's CPU per call-second with SDES-SRTP (RFC 3711, AES_CM_128_HMAC_SHA1_80,
 * SRTCP too) beside plain RTP, in the same run: N concurrent answered G.711 calls with media both ways
 * (no recording, so the figure is the media path's own), plain and SRTP steps alternating so drift of a
 * shared machine hits both alike. The far ends run in a child process (media-peers.ts) whose CPU is not
 * counted. Reports each step, the mean of each kind and their ratio (issue 13 target: ≤ 1.3×). ≤ 2 min.
 * CALLHOOK_SRTP_BENCH_CALLS and CALLHOOK_SRTP_BENCH_SECONDS change the call count and step length.
 */
import { measureCpu, withMediaCalls } from './support/media-calls.js';

const CALLS = Number(process.env.CALLHOOK_SRTP_BENCH_CALLS ?? 25);
const STEP_SECONDS = Number(process.env.CALLHOOK_SRTP_BENCH_SECONDS ?? 10);
const ROUNDS = 3;
const TARGET_RATIO = 1.3;

/** One step: `calls` calls plain or SRTP for STEP_SECONDS; the line's CPU ms per call-second. */
async function step(srtp: boolean): Promise<number> {
  return withMediaCalls({ calls: CALLS, srtp, settings: { media: { encryption: 'sdes' } } }, async (line) => {
    const encrypted = line.callIds().filter((id) => line.callMedia(id)?.encryption !== 'none').length;
    if (encrypted !== (srtp ? CALLS : 0)) throw new Error(`${encrypted} of ${CALLS} calls use SRTP, expected ${srtp ? CALLS : 0}`);
    // Let the calls settle (decoders made, first RTCP) before measuring.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const cpu = await measureCpu(CALLS, STEP_SECONDS);
    const dropped = line.callIds().reduce((sum, id) => sum + (line.callMedia(id)?.srtpDropped ?? 0), 0);
    if (dropped > 0) throw new Error(`${dropped} SRTP packets dropped in a clean run`);
    return cpu.msPerCallSecond;
  });
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

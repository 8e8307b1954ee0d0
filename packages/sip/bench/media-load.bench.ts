/**
 * Media benchmark: N concurrent answered G.711 calls with media both ways and recording on, against
 * the SIP line in this process; the far ends run in a child process. For each N it reports the line's
 * CPU per call-second and the media clock ticks more than 5 ms behind schedule ("late frames"),
 * beside the lateness of an idle 20 ms timer on the same machine in the same run (a shared machine is
 * never at 0). The ladder stops once the line's late share is 5 points above the idle timer's. At each
 * N of the ladder, right after the line's step, baresip answers the same N calls from the same far ends
 * (PCMU both ways, its microphone an 8 kHz WAV through aufile, no sound device, and its sndfile module
 * writing each call's audio to WAV as its "recording on"), every call established and its RTP reaching
 * every far end before its CPU (/proc/<pid>/stat) is taken over the same step length; a table gives
 * callhook ÷ baresip per N. baresip's late frames are not measured (it has no such counter). Then
 * G.722 beside G.711: CODEC_CALLS calls of each (recording on), PCMU and G722 steps alternating over
 * CODEC_ROUNDS rounds so drift of a shared machine hits both alike; it reports the means and G722's
 * ratio to PCMU (G.722 runs the ADPCM codec and the 8↔16 kHz halfband filters in JavaScript, G.711 a
 * table look-up). ≤ 4 min. CALLHOOK_MEDIA_BENCH_CODEC_CALLS changes that call count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SipLine } from '../src/index.js';
import { measureCpu, measureProcessCpu, withBaresipCalls, withMediaCalls } from './support/media-calls.js';

const COUNTS = [10, 25, 50, 100];
const STEP_SECONDS = 8;
const CODEC_CALLS = Number(process.env.CALLHOOK_MEDIA_BENCH_CODEC_CALLS ?? 25);
const CODEC_ROUNDS = 2;
type BenchCodec = 'PCMU' | 'G722';

function lateTicks(line: SipLine): number {
  return line.callIds().reduce((sum, id) => sum + (line.callMedia(id)?.lateTicks ?? 0), 0);
}

async function step(calls: number, codec: BenchCodec = 'PCMU'): Promise<{ calls: number; cpuMsPerCallSecond: number; lateFrames: number; frames: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callhook-media-bench-'));
  try {
    return await withMediaCalls({ calls, codec, settings: { media: { record: true, codecs: ['PCMU', 'G722'] } }, deps: { dataDir } }, async (line) => {
      const inCodec = line.callIds().filter((id) => line.callMedia(id)?.codec === codec).length;
      if (inCodec !== calls) throw new Error(`${inCodec} of ${calls} calls use ${codec}`);
      const lateBefore = lateTicks(line);
      const cpu = await measureCpu(calls, STEP_SECONDS);
      const late = lateTicks(line) - lateBefore;
      return { calls, cpuMsPerCallSecond: cpu.msPerCallSecond, lateFrames: late, frames: Math.round(calls * cpu.seconds * 50) };
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** baresip answering `calls` calls from the same far ends, recording with sndfile: its CPU per call-second. */
async function baresipStep(calls: number) {
  const { result, wavFiles, wavBytes } = await withBaresipCalls({ calls, record: true }, (pid) => measureProcessCpu(pid, calls, STEP_SECONDS));
  return { cpuMsPerCallSecond: result.msPerCallSecond, mainThreadShare: result.mainThreadShare, threads: result.threads, wavFiles, wavBytes };
}

/**
 * The machine's own timer lateness: one idle 20 ms timer chain for `seconds`, the share of its ticks
 * more than 5 ms late. On a shared, loaded machine this is not 0, and it bounds what any media clock
 * in Node can do; the steps' late frames are read against it.
 */
async function idleLateShare(seconds: number): Promise<number> {
  const started = performance.now();
  let ticks = 0;
  let late = 0;
  await new Promise<void>((resolve) => {
    const next = () => {
      ticks++;
      const behind = performance.now() - (started + ticks * 20);
      if (behind > 5) late++;
      if (ticks >= seconds * 50) return resolve();
      setTimeout(next, Math.max(0, started + (ticks + 1) * 20 - performance.now()));
    };
    setTimeout(next, 20);
  });
  return late / ticks;
}

const baseline = await idleLateShare(5);
console.log(`media: an idle 20 ms timer on this machine is > 5 ms late in ${(baseline * 100).toFixed(1)} % of its ticks`);
const rows = [];
const beside = [];
for (const calls of COUNTS) {
  const row = await step(calls);
  rows.push(row);
  console.log(
    `media: ${row.calls} calls, G.711 both ways, recording: ${row.cpuMsPerCallSecond.toFixed(2)} ms CPU per call-second, ${row.lateFrames} late frames (> 5 ms) of ${row.frames} (${((100 * row.lateFrames) / row.frames).toFixed(1)} %)`,
  );
  const bare = await baresipStep(calls);
  console.log(
    `media: baresip, ${calls} calls, PCMU both ways, aufile source, sndfile recording (${bare.wavFiles} WAVs, ${(bare.wavBytes / 1e6).toFixed(1)} MB): ${bare.cpuMsPerCallSecond.toFixed(2)} ms CPU per call-second, ${bare.threads} threads, ${(100 * bare.mainThreadShare).toFixed(0)} % of it in the main thread`,
  );
  beside.push({
    calls,
    'callhook ms CPU/call-s': Number(row.cpuMsPerCallSecond.toFixed(3)),
    'callhook late frames': `${row.lateFrames}/${row.frames}`,
    'baresip ms CPU/call-s': Number(bare.cpuMsPerCallSecond.toFixed(3)),
    'callhook ÷ baresip': Number((row.cpuMsPerCallSecond / bare.cpuMsPerCallSecond).toFixed(2)),
  });
  // Past the point where the line itself makes frames late, there is nothing more to learn.
  if (row.lateFrames / row.frames > baseline + 0.05) break;
}
const clean = rows.filter((row) => row.lateFrames === 0).at(-1);
console.log(`media: largest count without late frames: ${clean ? clean.calls : `none (fewer than ${COUNTS[0]})`}`);
const withinIdle = rows.filter((row) => row.lateFrames / row.frames <= baseline + 0.01).at(-1);
console.log(`media: largest count whose late share stays within 1 point of the idle timer's: ${withinIdle ? withinIdle.calls : 'none'}`);
console.log('media: G.711 both ways with recording, callhook beside baresip (same far ends, same step length, same run):');
console.table(beside);

const byCodec: Record<BenchCodec, number[]> = { PCMU: [], G722: [] };
for (let round = 1; round <= CODEC_ROUNDS; round++) {
  for (const codec of round % 2 === 1 ? (['PCMU', 'G722'] as const) : (['G722', 'PCMU'] as const)) {
    const row = await step(CODEC_CALLS, codec);
    byCodec[codec].push(row.cpuMsPerCallSecond);
    console.log(
      `media: codec round ${round}, ${CODEC_CALLS} calls, ${codec} both ways, recording: ${row.cpuMsPerCallSecond.toFixed(3)} ms CPU per call-second`,
    );
  }
}
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
console.log(
  `media: mean ${mean(byCodec.PCMU).toFixed(3)} ms (PCMU) vs ${mean(byCodec.G722).toFixed(3)} ms (G722) CPU per call-second: G722/PCMU ${(mean(byCodec.G722) / mean(byCodec.PCMU)).toFixed(2)}×`,
);

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
 * the codecs side by side, CODEC_CALLS calls each (recording on), over CODEC_ROUNDS rounds whose order
 * rotates so drift of a shared machine hits all alike: PCMU (8 kHz, the baseline), G.722 and Opus on
 * their wideband 16 kHz audio path, and the same two with `media.wideband: false` (8 kHz path, G.722
 * through the halfband filters, Opus opened at 8 kHz); it reports the medians, each one's ratio to
 * PCMU and each codec's wideband ÷ narrowband. ≤ 8 min. CALLHOOK_MEDIA_BENCH_CODEC_CALLS changes that
 * call count, CALLHOOK_MEDIA_BENCH_CODEC_ROUNDS the rounds, and CALLHOOK_MEDIA_BENCH_PART=codecs runs
 * only the codec part (=ladder only the ladder).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SipLine } from '../src/index.js';
import { measureCpu, measureProcessCpu, withBaresipCalls, withMediaCalls } from './support/media-calls.js';

const COUNTS = [10, 25, 50, 100];
const STEP_SECONDS = 8;
const CODEC_CALLS = Number(process.env.CALLHOOK_MEDIA_BENCH_CODEC_CALLS ?? 25);
const CODEC_ROUNDS = Number(process.env.CALLHOOK_MEDIA_BENCH_CODEC_ROUNDS ?? 3);
const PART = process.env.CALLHOOK_MEDIA_BENCH_PART ?? 'all';
type BenchCodec = 'PCMU' | 'G722' | 'opus';
/** One codec step of the comparison: the far ends' codec and whether the line runs wideband calls. */
interface Variant {
  label: string;
  codec: BenchCodec;
  wideband: boolean;
}
const VARIANTS: Variant[] = [
  { label: 'PCMU 8 kHz', codec: 'PCMU', wideband: true },
  { label: 'G722 16 kHz', codec: 'G722', wideband: true },
  { label: 'G722 8 kHz', codec: 'G722', wideband: false },
  { label: 'opus 16 kHz', codec: 'opus', wideband: true },
  { label: 'opus 8 kHz', codec: 'opus', wideband: false },
];

function lateTicks(line: SipLine): number {
  return line.callIds().reduce((sum, id) => sum + (line.callMedia(id)?.lateTicks ?? 0), 0);
}

async function step(
  calls: number,
  codec: BenchCodec = 'PCMU',
  wideband = true,
): Promise<{ calls: number; cpuMsPerCallSecond: number; lateFrames: number; frames: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callhook-media-bench-'));
  const rate = wideband && codec !== 'PCMU' ? 16_000 : 8000;
  try {
    const settings = { media: { record: true, codecs: ['PCMU', 'G722', 'opus'], wideband } };
    return await withMediaCalls({ calls, codec, settings, deps: { dataDir } }, async (line) => {
      const inCodec = line.callIds().filter((id) => line.callMedia(id)?.codec === codec && line.callMedia(id)?.audioRate === rate).length;
      if (inCodec !== calls) throw new Error(`${inCodec} of ${calls} calls use ${codec} at ${rate} Hz`);
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

if (PART !== 'codecs') {
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
}

if (PART !== 'ladder') {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const byVariant = new Map<string, number[]>(VARIANTS.map((variant) => [variant.label, []]));
  for (let round = 1; round <= CODEC_ROUNDS; round++) {
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round - 1) % VARIANTS.length]!);
    for (const variant of order) {
      const row = await step(CODEC_CALLS, variant.codec, variant.wideband);
      byVariant.get(variant.label)!.push(row.cpuMsPerCallSecond);
      console.log(
        `media: codec round ${round}, ${CODEC_CALLS} calls, ${variant.label} both ways, recording: ${row.cpuMsPerCallSecond.toFixed(3)} ms CPU per call-second, ${row.lateFrames} late frames of ${row.frames}`,
      );
    }
  }
  const medianOf = (label: string) => median(byVariant.get(label)!);
  const pcmu = medianOf('PCMU 8 kHz');
  console.log(`media: codecs, ${CODEC_CALLS} calls each, recording on, median of ${CODEC_ROUNDS} rounds (same run):`);
  console.table(
    VARIANTS.map((variant) => ({
      variant: variant.label,
      'ms CPU/call-s': Number(medianOf(variant.label).toFixed(3)),
      '÷ PCMU': Number((medianOf(variant.label) / pcmu).toFixed(2)),
      runs: byVariant
        .get(variant.label)!
        .map((value) => value.toFixed(2))
        .join(' '),
    })),
  );
  for (const codec of ['G722', 'opus'] as const) {
    console.log(`media: ${codec} wideband ÷ narrowband: ${(medianOf(`${codec} 16 kHz`) / medianOf(`${codec} 8 kHz`)).toFixed(2)}×`);
  }
}

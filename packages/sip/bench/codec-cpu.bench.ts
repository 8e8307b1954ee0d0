/**
 * Codec benchmark: the CPU of one call-second of each voice codec on its own — 50 frames of 20 ms
 * encoded and 50 payloads decoded, no network — at each audio rate a call can run it: PCMU at 8 kHz
 * (the baseline), G.722 and Opus at 16 kHz (a wideband call) and at 8 kHz (a call held narrowband by
 * `media.wideband: false` or an earlier G.711: G.722 then goes through the 8↔16 kHz halfband filters,
 * Opus is opened at 8 kHz), and PCMU at 16 kHz (G.711 re-INVITEd into a wideband call, through the
 * filters). All in the same run, in rounds whose order rotates so drift of a shared machine hits all
 * alike. Reports process CPU (user + system, `process.cpuUsage`) per call-second, its median over the
 * rounds, each one's ratio to PCMU 8 kHz and each codec's wideband ÷ narrowband. ≤ 2 min.
 * CALLHOOK_CODEC_BENCH_CALL_SECONDS (400) and CALLHOOK_CODEC_BENCH_ROUNDS (5) change the size.
 */
import { createCodec, type AudioRate, type CodecName } from '../src/index.js';

const CALL_SECONDS = Number(process.env.CALLHOOK_CODEC_BENCH_CALL_SECONDS ?? 400);
const ROUNDS = Number(process.env.CALLHOOK_CODEC_BENCH_ROUNDS ?? 5);
/** Opus costs far more per call-second than the others; it runs a fraction of the call-seconds (per call-second figures are comparable). */
const OPUS_SHARE = 0.25;

interface Variant {
  label: string;
  codec: CodecName;
  rate: AudioRate;
}
const VARIANTS: Variant[] = [
  { label: 'PCMU 8 kHz', codec: 'PCMU', rate: 8000 },
  { label: 'PCMU 16 kHz', codec: 'PCMU', rate: 16_000 },
  { label: 'G722 8 kHz', codec: 'G722', rate: 8000 },
  { label: 'G722 16 kHz', codec: 'G722', rate: 16_000 },
  { label: 'opus 8 kHz', codec: 'opus', rate: 8000 },
  { label: 'opus 16 kHz', codec: 'opus', rate: 16_000 },
];

/** One second of a 1 kHz tone at `rate` in 20 ms frames, with some noise so no codec meets only one pattern. */
function secondOf(rate: number): Int16Array[] {
  const samples = rate / 50;
  return Array.from({ length: 50 }, (_, frame) =>
    Int16Array.from({ length: samples }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 1000 * (frame * samples + i)) / rate) + 500 * Math.sin(i * i))),
  );
}
const FRAMES = { 8000: secondOf(8000), 16_000: secondOf(16_000) };

/** CPU ms of `callSeconds` call-seconds of one variant: encode and decode of each frame, both directions' work. */
function run(variant: Variant, callSeconds: number): number {
  const codec = createCodec(variant.codec, variant.rate);
  const frames = FRAMES[variant.rate];
  let sink = 0;
  const before = process.cpuUsage();
  for (let second = 0; second < callSeconds; second++) {
    for (const frame of frames) sink += codec.decode(codec.encode(frame))[80]!;
  }
  const used = process.cpuUsage(before);
  codec.close();
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return (used.user + used.system) / 1000;
}

const secondsOf = (variant: Variant) => Math.max(10, Math.round(variant.codec === 'opus' ? CALL_SECONDS * OPUS_SHARE : CALL_SECONDS));

// Warm-up: every variant through the JIT before anything is measured.
for (const variant of VARIANTS) run(variant, 20);
const perCallSecond = new Map<string, number[]>(VARIANTS.map((variant) => [variant.label, []]));
for (let round = 1; round <= ROUNDS; round++) {
  const order = VARIANTS.map((_, i) => VARIANTS[(i + round - 1) % VARIANTS.length]!);
  for (const variant of order) {
    const seconds = secondsOf(variant);
    const ms = run(variant, seconds) / seconds;
    perCallSecond.get(variant.label)!.push(ms);
    console.log(`codec: round ${round}, ${variant.label}: ${ms.toFixed(4)} ms CPU per call-second (encode + decode, ${seconds} call-seconds)`);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const medianOf = (label: string) => median(perCallSecond.get(label)!);
const pcmu = medianOf('PCMU 8 kHz');
console.log(`codec: median of ${ROUNDS} rounds, CPU per call-second (same run):`);
console.table(
  VARIANTS.map((variant) => ({
    variant: variant.label,
    'ms CPU/call-s': Number(medianOf(variant.label).toFixed(4)),
    '÷ PCMU 8 kHz': Number((medianOf(variant.label) / pcmu).toFixed(1)),
    '% of a core per call': Number((medianOf(variant.label) / 10).toFixed(3)),
  })),
);
for (const codec of ['G722', 'opus'] as const) {
  console.log(`codec: ${codec} wideband (16 kHz) ÷ narrowband (8 kHz): ${(medianOf(`${codec} 16 kHz`) / medianOf(`${codec} 8 kHz`)).toFixed(2)}×`);
}

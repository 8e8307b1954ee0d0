/**
 * Codec benchmark: the CPU of one call-second of each voice codec on its own — 50 frames of 20 ms
 * encoded and 50 payloads decoded at callhook's 8 kHz audio rate, no network — for PCMU and G722 in the
 * same run, alternating in rounds so drift of a shared machine hits both alike. Reports process CPU
 * (user + system, `process.cpuUsage`) per call-second and G722's ratio to PCMU. G.722's figure includes
 * the 8↔16 kHz halfband filters it needs on callhook's narrowband path. ≤ 1 min.
 */
import { createCodec, type CodecName } from '../src/index.js';

const CALL_SECONDS = Number(process.env.CALLHOOK_CODEC_BENCH_CALL_SECONDS ?? 400);
const ROUNDS = 5;
const CODECS: CodecName[] = ['PCMU', 'G722'];

/** One second of a 1 kHz tone at 8 kHz in 20 ms frames, with some noise so no codec meets only one pattern. */
const frames = Array.from({ length: 50 }, (_, frame) =>
  Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 1000 * (frame * 160 + i)) / 8000) + 500 * Math.sin(i * i))),
);

/** CPU ms of `callSeconds` call-seconds of one codec: encode and decode of each frame, both directions' work. */
function run(name: CodecName, callSeconds: number): number {
  const codec = createCodec(name);
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

// Warm-up: both codecs through the JIT before anything is measured.
for (const name of CODECS) run(name, 20);
const perCallSecond: Record<string, number[]> = { PCMU: [], G722: [] };
for (let round = 1; round <= ROUNDS; round++) {
  for (const name of round % 2 === 1 ? CODECS : [...CODECS].reverse()) {
    const ms = run(name, CALL_SECONDS) / CALL_SECONDS;
    perCallSecond[name]!.push(ms);
    console.log(`codec: round ${round}, ${name}: ${ms.toFixed(4)} ms CPU per call-second (encode + decode)`);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const pcmu = median(perCallSecond.PCMU!);
const g722 = median(perCallSecond.G722!);
console.log(
  `codec: median PCMU ${pcmu.toFixed(4)} ms, G722 ${g722.toFixed(4)} ms CPU per call-second: G722/PCMU ${(g722 / pcmu).toFixed(1)}×; G722 ${(g722 / 10).toFixed(3)} % of a core per call`,
);

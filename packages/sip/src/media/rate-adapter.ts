import type { AudioRate, VoiceCodec } from './codec.js';
import { Decimator, Interpolator } from './halfband.js';

/**
 * `codec` with its PCM at `sampleRate`: itself when it already runs at that rate, else wrapped in the
 * halfband converter (`halfband.ts`) — a 16 kHz codec (G.722) on an 8 kHz call interpolates each
 * frame to 16 kHz before encoding and decimates what it decodes; an 8 kHz codec (G.711) on a 16 kHz
 * call decimates before encoding (band-limiting to 4 kHz) and interpolates what it decodes. The
 * filters keep their state across frames, so a call's audio is converted without clicks at the 20 ms
 * frame edges. This is how a call keeps its rate when a re-INVITE switches to a codec of the other rate.
 */
export function atRate(codec: VoiceCodec, sampleRate: AudioRate): VoiceCodec {
  if (codec.sampleRate === sampleRate) return codec;
  const up = new Interpolator();
  const down = new Decimator();
  const wider = codec.sampleRate > sampleRate;
  return {
    name: codec.name,
    clockRate: codec.clockRate,
    sampleRate,
    encode: wider ? (pcm) => codec.encode(up.process(pcm)) : (pcm) => codec.encode(down.process(pcm)),
    decode: wider ? (payload) => down.process(codec.decode(payload)) : (payload) => up.process(codec.decode(payload)),
    close: () => codec.close(),
  };
}

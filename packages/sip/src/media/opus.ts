import OpusScript from 'opusscript';
import { PCM_RATE, type VoiceCodec } from './codec.js';

/** RTP clock rate of Opus, whatever the audio bandwidth (RFC 7587 §4.1). */
export const OPUS_CLOCK_RATE = 48_000;

/**
 * Opus (RFC 6716) in RTP (RFC 7587) through opusscript (libopus compiled to WebAssembly, so no native
 * build is needed). The encoder and decoder run at `PCM_RATE` (8 kHz, a rate libopus supports
 * natively); the RTP timestamp still counts 48 kHz ticks. Mono, VoIP application, in-band FEC on.
 */
export function opus(): VoiceCodec {
  const encoder = new OpusScript(PCM_RATE, 1, OpusScript.Application.VOIP);
  const decoder = new OpusScript(PCM_RATE, 1, OpusScript.Application.VOIP);
  let closed = false;
  return {
    name: 'opus',
    clockRate: OPUS_CLOCK_RATE,
    encode(pcm) {
      const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
      return encoder.encode(bytes, pcm.length);
    },
    decode(payload) {
      const out = decoder.decode(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength));
      // Copy: opusscript returns a view into its WebAssembly heap that the next call overwrites.
      return new Int16Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
    },
    close() {
      if (closed) return;
      closed = true;
      encoder.delete();
      decoder.delete();
    },
  };
}

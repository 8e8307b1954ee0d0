import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import type OpusScriptType from 'opusscript';
import { frameSamples, type AudioRate, type VoiceCodec } from './codec.js';

let loaded: typeof OpusScriptType | undefined;

/**
 * opusscript, loaded on first use with V8's WebAssembly tier-up turned off (`--liftoff-only`). With
 * tier-up, V8 recompiles libopus' large functions with TurboFan while calls run, and each recompile
 * stalled the event loop for 50–250 ms on a loaded 2-core machine (measured: 20 stalls over 400
 * frames), which broke the 20 ms media clock; Liftoff code costs under 1 ms per encode + decode at
 * 8 kHz (see `bench/codec-cpu.bench.ts` for 16 kHz) and never stalls. The flag only concerns WebAssembly compiled after it is set.
 */
function opusScript(): typeof OpusScriptType {
  if (!loaded) {
    setFlagsFromString('--liftoff-only');
    loaded = createRequire(import.meta.url)('opusscript') as typeof OpusScriptType;
  }
  return loaded;
}

/** libopus CTL requests (opus_defines.h). */
const OPUS_SET_COMPLEXITY = 4010;
const OPUS_SET_INBAND_FEC = 4012;

/** RTP clock rate of Opus, whatever the audio bandwidth (RFC 7587 §4.1). */
export const OPUS_CLOCK_RATE = 48_000;

/**
 * Opus (RFC 6716) in RTP (RFC 7587) through opusscript (libopus compiled to WebAssembly, so no native
 * build is needed). The encoder and decoder run at `sampleRate` — 16 kHz on a wideband call (Opus's
 * wideband, audio up to 8 kHz), 8 kHz on a call whose audio rate an earlier G.711 fixed — both rates
 * libopus supports natively (RFC 6716 §2), so no resampling; the decoder reads any Opus stream the peer
 * sends at that rate. The RTP timestamp still counts 48 kHz ticks (RFC 7587 §4.1). Mono, VoIP
 * application, in-band FEC on.
 */
export function opus(sampleRate: AudioRate): VoiceCodec {
  const OpusScript = opusScript();
  // One opusscript instance holds a libopus encoder and a decoder, each with its own buffers: one serves
  // both directions. (Two per codec, as before, filled opusscript's WebAssembly heap at about 19
  // concurrent calls — "memory access out of bounds" answered as 480; measured in bench/media-load.)
  const codec = new OpusScript(sampleRate, 1, OpusScript.Application.VOIP);
  // Complexity 5 (of 0–10): measured about half the CPU of the default 10 at 8 kHz, same size.
  codec.encoderCTL(OPUS_SET_COMPLEXITY, 5);
  codec.encoderCTL(OPUS_SET_INBAND_FEC, 1);
  // Liftoff compiles each WebAssembly function on its first call; one frame through both directions
  // now (before the answer goes out) keeps those compiles, hundreds of ms on a loaded machine, out of
  // the media clock, where the burst they cause overflowed the peer's jitter buffer.
  const samples = frameSamples(sampleRate);
  codec.decode(codec.encode(Buffer.alloc(samples * 2), samples));
  let closed = false;
  return {
    name: 'opus',
    clockRate: OPUS_CLOCK_RATE,
    sampleRate,
    encode(pcm) {
      const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
      return codec.encode(bytes, pcm.length);
    },
    decode(payload) {
      const out = codec.decode(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength));
      // Copy: opusscript returns a view into its WebAssembly heap that the next call overwrites.
      return new Int16Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
    },
    close() {
      if (closed) return;
      closed = true;
      codec.delete();
    },
  };
}

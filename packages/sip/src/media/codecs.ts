import { audioRateOf, type AudioRate, type CodecName, type VoiceCodec } from './codec.js';
import { g711 } from './g711.js';
import { g722 } from './g722.js';
import { opus } from './opus.js';
import { atRate } from './rate-adapter.js';

/**
 * A fresh codec instance by name whose PCM runs at `sampleRate` (default: the codec's own rate,
 * `audioRateOf`). G.711 through alawmulaw, Opus through opusscript (opened at `sampleRate`, which
 * libopus takes natively), G.722 our own (`g722.ts`: no npm package implements it). G.711 on a 16 kHz
 * call and G.722 on an 8 kHz call go through the halfband converter (`atRate`). Throws RangeError for
 * a rate other than 8000 or 16000.
 */
export function createCodec(name: CodecName, sampleRate: AudioRate = audioRateOf(name)): VoiceCodec {
  if (sampleRate !== 8000 && sampleRate !== 16_000) throw new RangeError(`createCodec(${name}): sampleRate ${String(sampleRate)} Hz; use 8000 or 16000`);
  if (name === 'opus') return opus(sampleRate);
  return atRate(name === 'G722' ? g722() : g711(name), sampleRate);
}

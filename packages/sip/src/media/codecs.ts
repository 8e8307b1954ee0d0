import type { CodecName, VoiceCodec } from './codec.js';
import { g711 } from './g711.js';
import { g722 } from './g722.js';
import { opus } from './opus.js';

/**
 * A fresh codec instance by name: G.711 through alawmulaw, Opus through opusscript, G.722 our own
 * (`g722.ts`: no npm package implements it).
 */
export function createCodec(name: CodecName): VoiceCodec {
  if (name === 'opus') return opus();
  if (name === 'G722') return g722();
  return g711(name);
}

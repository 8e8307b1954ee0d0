import type { CodecName, VoiceCodec } from './codec.js';
import { g711 } from './g711.js';
import { opus } from './opus.js';

/**
 * A fresh codec instance by name. G.722 is not offered: no maintained npm package implements it
 * (checked on the npm registry), and the project does not hand-write codecs.
 */
export function createCodec(name: CodecName): VoiceCodec {
  return name === 'opus' ? opus() : g711(name);
}

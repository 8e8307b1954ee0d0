import alawmulaw from 'alawmulaw';
import { PCM_RATE, type VoiceCodec } from './codec.js';

/**
 * G.711 µ-law (PCMU, static payload type 0) and A-law (PCMA, 8), RFC 3551 §4.5.14: one byte per
 * sample at 8000 Hz. The companding is the alawmulaw package's (ITU-T G.711 tables).
 */
export function g711(name: 'PCMU' | 'PCMA'): VoiceCodec {
  const law = name === 'PCMU' ? alawmulaw.mulaw : alawmulaw.alaw;
  return {
    name,
    clockRate: PCM_RATE,
    sampleRate: PCM_RATE,
    encode: (pcm) => law.encode(pcm),
    decode: (payload) => law.decode(payload),
    close: () => undefined,
  };
}

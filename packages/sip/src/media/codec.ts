/**
 * A voice codec of one call direction, seen from the media path: 16-bit signed mono PCM at
 * `sampleRate` Hz in, RTP payload out, and back. Each call owns its instances (Opus and G.722 keep state).
 */
export interface VoiceCodec {
  /** Encoding name as in SDP rtpmap (RFC 4566 §6), e.g. `PCMU`, `opus`. */
  readonly name: CodecName;
  /** RTP clock rate in Hz (RFC 3551 §4.5; 48000 for Opus, RFC 7587 §4.1; 8000 for G.722 though it samples at 16 kHz, RFC 3551 §4.5.2). */
  readonly clockRate: number;
  /** Rate in Hz of the PCM that `encode` takes and `decode` gives (8000 or 16000). */
  readonly sampleRate: AudioRate;
  /** Encodes PCM at `sampleRate` (a whole number of 20 ms frames) into one RTP payload. */
  encode(pcm: Int16Array): Uint8Array;
  /** Decodes one RTP payload into PCM at `sampleRate`; throws on a payload it cannot read. */
  decode(payload: Uint8Array): Int16Array;
  /** Frees native or WebAssembly state. */
  close(): void;
}

/** The voice codecs callhook negotiates, as named in `line.media.codecs` (the SDP rtpmap encoding names). */
export const CODEC_NAMES = ['PCMU', 'PCMA', 'G722', 'opus'] as const;
export type CodecName = (typeof CODEC_NAMES)[number];

/** Narrowband audio rate (Hz): what G.711 carries, and the rate of a call whose first codec is G.711. */
export const PCM_RATE = 8000;
/** Wideband audio rate (Hz): what G.722 samples at (ITU-T G.722 §1) and the rate Opus runs at on a wideband call. */
export const WIDEBAND_RATE = 16_000;
/** The audio rates a call's PCM path runs at. */
export type AudioRate = typeof PCM_RATE | typeof WIDEBAND_RATE;
/** The media clock's frame: 20 ms. */
export const FRAME_MS = 20;
/** Samples of one 20 ms frame at `PCM_RATE` (160); a call at another rate has `frameSamples(rate)`. */
export const FRAME_SAMPLES = (PCM_RATE * FRAME_MS) / 1000;

/** Samples in one 20 ms frame at `sampleRate` Hz: 160 at 8 kHz, 320 at 16 kHz. */
export function frameSamples(sampleRate: number): number {
  return (sampleRate * FRAME_MS) / 1000;
}

/**
 * The audio rate a codec carries, which a call's audio path takes from its first agreed codec: 8 kHz
 * for G.711 (RFC 3551 §4.5.14), 16 kHz for G.722 (RFC 3551 §4.5.2) and for Opus (wideband, a rate
 * libopus encodes and decodes natively, RFC 6716 §2; its RTP clock stays 48 kHz, RFC 7587 §4.1).
 */
export function audioRateOf(name: CodecName): AudioRate {
  return name === 'G722' || name === 'opus' ? WIDEBAND_RATE : PCM_RATE;
}

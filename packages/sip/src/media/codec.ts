/**
 * A voice codec of one call direction, seen from the media path: 16-bit signed mono PCM at
 * `PCM_RATE` Hz in, RTP payload out, and back. Each call owns its instances (Opus keeps state).
 */
export interface VoiceCodec {
  /** Encoding name as in SDP rtpmap (RFC 4566 §6), e.g. `PCMU`, `opus`. */
  readonly name: CodecName;
  /** RTP clock rate in Hz (RFC 3551 §4.5; 48000 for Opus, RFC 7587 §4.1; 8000 for G.722 though it samples at 16 kHz, RFC 3551 §4.5.2). */
  readonly clockRate: number;
  /** Encodes PCM at `PCM_RATE` (a whole number of 20 ms frames) into one RTP payload. */
  encode(pcm: Int16Array): Uint8Array;
  /** Decodes one RTP payload into PCM at `PCM_RATE`; throws on a payload it cannot read. */
  decode(payload: Uint8Array): Int16Array;
  /** Frees native or WebAssembly state. */
  close(): void;
}

/** The voice codecs callhook negotiates, as named in `line.media.codecs` (the SDP rtpmap encoding names). */
export const CODEC_NAMES = ['PCMU', 'PCMA', 'G722', 'opus'] as const;
export type CodecName = (typeof CODEC_NAMES)[number];

/** Sample rate (Hz) of the PCM inside callhook: narrowband, what G.711 carries and Opus is asked for. */
export const PCM_RATE = 8000;
/** The media clock's frame: 20 ms. */
export const FRAME_MS = 20;
/** Samples of one 20 ms frame at `PCM_RATE`. */
export const FRAME_SAMPLES = (PCM_RATE * FRAME_MS) / 1000;

import type { CallQuality } from '@callhook/core';
import type { MediaCounters } from '../rtp/rtp-stream.js';
import type { AudioRate, CodecName } from './codec.js';
import { estimateMos } from './mos.js';

/**
 * E-model codec figures: equipment impairment Ie and packet-loss robustness Bpl, on the narrowband
 * scale of ITU-T G.107 for every call, so MOS figures of G.711 and wideband calls compare and a
 * `<$call_mos>` threshold means the same on both (that scale tops out at R 93.2, MOS 4.41: a transparent
 * narrowband codec without delay or loss). G.711 with concealment: Ie 0, Bpl 25.1 (ITU-T G.113
 * Appendix I). On a 16 kHz call G.722 and Opus carry at least everything G.711 does, and the narrowband
 * scale has nothing above that (their advantage shows only on G.107.1's wideband scale, which callhook
 * does not use): Ie 0 — with G.711's Bpl 25.1 for G.722 (the same concealment runs on its decoded
 * audio) and 20 for Opus (in-band FEC; not in G.113, an estimate). On an 8 kHz call (one whose first
 * codec was G.711, see `CallAudio.fixRate`) what is heard is narrowband: G.722's lower band, 6-bit ADPCM
 * at 48 kbit/s, Ie 1 (between G.711's 0 and G.727 at 40 kbit/s, 2; our estimate, G.113 rates G.722
 * only on the wideband scale), and narrowband Opus Ie 11 (between G.729A and G.711, a published
 * estimate, not a standard).
 */
const CODEC_IMPAIRMENT: Record<CodecName, Record<AudioRate, { ie: number; bpl: number }>> = {
  PCMU: { 8000: { ie: 0, bpl: 25.1 }, 16000: { ie: 0, bpl: 25.1 } },
  PCMA: { 8000: { ie: 0, bpl: 25.1 }, 16000: { ie: 0, bpl: 25.1 } },
  G722: { 8000: { ie: 1, bpl: 25.1 }, 16000: { ie: 0, bpl: 25.1 } },
  opus: { 8000: { ie: 11, bpl: 20 }, 16000: { ie: 0, bpl: 20 } },
};

/** The E-model figures (Ie, Bpl) of `codec` heard on a call whose audio runs at `audioRate` Hz; see `CODEC_IMPAIRMENT`. */
export function codecImpairment(codec: CodecName, audioRate: number): { ie: number; bpl: number } {
  return CODEC_IMPAIRMENT[codec][audioRate === 16000 ? 16000 : 8000];
}
/** Packetization and codec look-ahead counted into the one-way delay, ms. */
const FRAMING_MS = 20;

/**
 * The call quality figures of a stream for the call snapshot, cumulative since the stream began (live
 * `quality` reports and the final figures of `ended`): packets lost (RFC 3550 §6.4.1 cumulative number
 * of packets lost) and received, interarrival jitter in ms of the far end's stream, the RTCP round-trip
 * time in ms (from LSR/DLSR), and an E-model MOS whose one-way delay is half the RTT plus the
 * jitter buffer and framing delay, with the codec's figures at the call's audio rate. MOS is null when nothing was received. An SRTP call adds its suite
 * and the packets SRTP dropped (RFC 3711 §3.3).
 */
export function callQuality(counters: MediaCounters): CallQuality {
  const codec = counters.codec ?? 'PCMU';
  const { ie, bpl } = codecImpairment(codec, counters.audioRate);
  const lossPercent = counters.packetsExpected > 0 ? (100 * counters.packetsLost) / counters.packetsExpected : 0;
  const mos =
    counters.receivedPackets === 0
      ? null
      : estimateMos({ oneWayDelayMs: (counters.rttMs ?? 0) / 2 + counters.bufferMs + FRAMING_MS, lossPercent, codecIe: ie, codecBpl: bpl });
  const quality: CallQuality = {
    packetsLost: counters.packetsLost,
    packetsReceived: counters.receivedPackets,
    jitterMs: counters.jitterMs,
    rttMs: counters.rttMs ?? null,
    mos,
    codec,
  };
  // SRTP calls also say how they were protected and what SRTP dropped (tampered, replayed, unauthenticated).
  if (counters.encryption !== 'none') Object.assign(quality, { encryption: counters.encryption, srtpDropped: counters.srtpDropped });
  return quality;
}

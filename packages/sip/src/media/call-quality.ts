import type { CallQuality } from '@callhook/core';
import type { MediaCounters } from '../rtp/rtp-stream.js';
import type { CodecName } from './codec.js';
import { estimateMos } from './mos.js';

/**
 * E-model codec figures: equipment impairment Ie and packet-loss robustness Bpl. G.711 with
 * concealment: Ie 0, Bpl 25.1 (ITU-T G.113 Appendix I). Opus is not in G.113; at 8 kHz we use Ie 11,
 * Bpl 20 (a narrowband codec with FEC, between G.729A and G.711), a published estimate, not a standard.
 * G.722 has only a wideband figure in G.113 (Appendix IV); callhook plays it at 8 kHz, where what is
 * heard is its lower band, 6-bit ADPCM at 48 kbit/s: we use Ie 1 (between G.711's 0 and G.727 at
 * 40 kbit/s, 2) and G.711's Bpl 25.1 (the same concealment runs on its decoded audio), our estimate.
 */
const CODEC_IMPAIRMENT: Record<CodecName, { ie: number; bpl: number }> = {
  PCMU: { ie: 0, bpl: 25.1 },
  PCMA: { ie: 0, bpl: 25.1 },
  G722: { ie: 1, bpl: 25.1 },
  opus: { ie: 11, bpl: 20 },
};
/** Packetization and codec look-ahead counted into the one-way delay, ms. */
const FRAMING_MS = 20;

/**
 * The call quality figures of a stream for the call snapshot, cumulative since the stream began (live
 * `quality` reports and the final figures of `ended`): packets lost (RFC 3550 §6.4.1 cumulative number
 * of packets lost) and received, interarrival jitter in ms of the far end's stream, the RTCP round-trip
 * time in ms (from LSR/DLSR), and an E-model MOS whose one-way delay is half the RTT plus the
 * jitter buffer and framing delay. MOS is null when nothing was received. An SRTP call adds its suite
 * and the packets SRTP dropped (RFC 3711 §3.3).
 */
export function callQuality(counters: MediaCounters): CallQuality {
  const codec = counters.codec ?? 'PCMU';
  const { ie, bpl } = CODEC_IMPAIRMENT[codec];
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

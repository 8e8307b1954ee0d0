import { lossPercent, type CallSnapshot } from '@callhook/core';

/**
 * The retained `<prefix>/<line>/quality` message (a public contract, docs/deployment-mqtt.md "Call
 * quality"): the media figures of one call on the line, cumulative from its answer as core's
 * `CallQuality` has them (RFC 3550 §6.4.1), live while the call is connected or held (`live: true`,
 * one update per RTCP report interval, ~5 s) and final once it ended (`live: false`).
 */
export interface LineQualityMessage {
  lineId: string;
  callGuid: string;
  /** true while the call is up (the figures so far), false once it ended (its final figures). */
  live: boolean;
  /** Estimated MOS 1–4.5 (simplified ITU-T G.107 E-model), 2 decimals; null before any audio. */
  mos: number | null;
  /** Loss in percent of the packets expected so far, 100 · lost / (lost + received), 2 decimals; null before any packet was expected. */
  lossPercent: number | null;
  /** Cumulative packets of the far end's stream lost (RFC 3550 §6.4.1). */
  packetsLost: number;
  /** Packets of the far end's stream received (RFC 3550 §A.3); null only for snapshots that lack it (older journals). */
  packetsReceived: number | null;
  /** Interarrival jitter of the far end's stream in ms (RFC 3550 §6.4.1, §A.8), 1 decimal. */
  jitterMs: number;
  /** Round-trip time by RTCP (LSR/DLSR, RFC 3550 §6.4.1) in ms, 1 decimal; null until the peer reported on our sender report. */
  rttMs: number | null;
  /** The voice codec, e.g. `PCMU`. */
  codec: string;
  /** The SRTP suite protecting the media (RFC 4568 §6.2), or null for plain RTP. */
  encryption: string | null;
  /** Received packets SRTP dropped (failed authentication, replayed, malformed; RFC 3711 §3.3); null for plain RTP. */
  srtpDropped: number | null;
}

/** `value` rounded to `decimals` places, so noise below what a reader sees does not make a new message. */
function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** The quality message of a call, or null when it has no quality (no real media, or before its first report). */
export function qualityMessage(call: CallSnapshot): LineQualityMessage | null {
  const quality = call.quality;
  if (!quality) return null;
  const loss = lossPercent(quality);
  return {
    lineId: call.lineId,
    callGuid: call.guid,
    live: call.state !== 'ended',
    mos: quality.mos === null ? null : round(quality.mos, 2),
    lossPercent: loss === null ? null : round(loss, 2),
    packetsLost: quality.packetsLost,
    packetsReceived: quality.packetsReceived ?? null,
    jitterMs: round(quality.jitterMs, 1),
    rttMs: quality.rttMs === null ? null : round(quality.rttMs, 1),
    codec: quality.codec,
    encryption: quality.encryption ?? null,
    srtpDropped: quality.srtpDropped ?? null,
  };
}

/**
 * Which call a line's quality topic shows, given what it shows now (`shown`, or undefined) and a new
 * message of call `next.callGuid`, whose line state is about call `stateCall` (see `lineState`): the
 * topic stays with one live call until that call ends, except that the call the line's state is about
 * (the connected one) takes it over; a final message replaces only its own call's or another final one.
 * So on a line with a held call and a connected one the topic follows the connected call, and a short
 * call's final figures still reach it when nothing live is shown.
 */
export function showsQuality(shown: LineQualityMessage | undefined, next: LineQualityMessage, stateCall: string | null): boolean {
  if (!shown || !shown.live || shown.callGuid === next.callGuid) return true;
  return next.live && next.callGuid === stateCall;
}

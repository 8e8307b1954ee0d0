import * as z from 'zod';

export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;
export const CALL_STATES = ['dialing', 'ringing', 'connected', 'held', 'ended'] as const;
/**
 * How a call ended (`<$call_disposition>`), each from one kind of end:
 * - `answered`: it was connected and then hung up by either side.
 * - `transferred`: it was connected and handed on to a third party (blind transfer, REFER accepted).
 * - `missed`: an inbound call the caller gave up on (or that rang out) before anyone answered.
 * - `answered_elsewhere`: an inbound call another device answered first (a forked call the PBX
 *   cancelled with `Reason: SIP;cause=200`, RFC 3326); not missed.
 * - `rejected`: turned down by the called side (ours for inbound, 403/603 for outbound).
 * - `busy`: the called party was busy (486/600).
 * - `cancelled`: an outbound call we gave up on before it was answered.
 * - `forwarded`: redirected elsewhere before it was answered (a 3xx to our INVITE, or a call we redirected).
 * - `failed`: could not be set up (network, no route, other error responses).
 */
export const DISPOSITIONS = ['answered', 'transferred', 'missed', 'answered_elsewhere', 'busy', 'rejected', 'cancelled', 'forwarded', 'failed'] as const;

const isoTime = z.iso.datetime({ offset: true }).nullable();

/**
 * Media quality of a call with real media (softphone mode), cumulative from the answer: live while the
 * call is connected or held (updated every RTCP report interval, RFC 3550 §6.2, ~5 s), final once it
 * ended. Packets of the far end's stream lost (RFC 3550 §6.4.1 cumulative number of packets lost) and
 * received, its interarrival jitter in ms (RFC 3550 §6.4.1, §A.8), the round-trip time in ms by RTCP
 * (from LSR/DLSR, RFC 3550 §6.4.1; null until the peer reported on one of our sender reports), an
 * estimated MOS (1–4.5, ITU-T G.107 E-model, simplified; null before any audio) and the voice codec;
 * for an SRTP call also the suite and the packets dropped by SRTP (absent for plain RTP).
 * Loss in percent is `100 · packetsLost / (packetsLost + packetsReceived)`.
 */
export const CallQualitySchema = z.object({
  packetsLost: z.number().int().min(0).describe("cumulative number of packets lost of the far end's RTP stream (RFC 3550 §6.4.1)"),
  /**
   * RTP packets of the far end's stream received (RFC 3550 §6.4.1, the `received` count of §A.3).
   * Absent only in snapshots written before it was reported (journals of older versions).
   */
  packetsReceived: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      "packets of the far end's RTP stream received (RFC 3550 §A.3); loss % = 100·packetsLost/(packetsLost+packetsReceived); absent in older snapshots",
    ),
  jitterMs: z.number().min(0).describe("interarrival jitter of the far end's stream, ms (RFC 3550 §6.4.1, §A.8)"),
  rttMs: z
    .number()
    .min(0)
    .nullable()
    .describe('round-trip time by RTCP from LSR/DLSR, ms (RFC 3550 §6.4.1); null until the peer reported on our sender report'),
  mos: z.number().min(1).max(5).nullable().describe('estimated MOS 1–4.5 (simplified ITU-T G.107 E-model); null before any audio'),
  codec: z.string().describe('the voice codec, e.g. PCMU'),
  /** SRTP calls only (`line.media.encryption`): the suite that protected the media (RFC 4568 §6.2), e.g. `AES_CM_128_HMAC_SHA1_80`. */
  encryption: z.string().optional(),
  /** SRTP calls only: received packets dropped because they failed authentication, were replayed or malformed (RFC 3711 §3.3). */
  srtpDropped: z.number().int().min(0).optional(),
});
export type CallQuality = z.infer<typeof CallQualitySchema>;

/**
 * Packet loss of a call's quality in percent (0–100) of the packets expected so far, RFC 3550 §6.4.1:
 * cumulative lost / (lost + received). Null when `packetsReceived` is absent (older snapshots) or no
 * packet was expected yet.
 */
export function lossPercent(quality: Pick<CallQuality, 'packetsLost' | 'packetsReceived'>): number | null {
  if (quality.packetsReceived === undefined) return null;
  const expected = quality.packetsLost + quality.packetsReceived;
  return expected === 0 ? null : (100 * quality.packetsLost) / expected;
}

/** The public call snapshot, a public contract (docs/action-urls.md, "The public call snapshot"): CLI `--call` files, control API, live events. */
export const CallSnapshotSchema = z.object({
  guid: z.string().min(1),
  /** The line the call is on (`lines[].id`; `default` for the `line` shorthand and for snapshots written before lines had ids). */
  lineId: z.string().min(1).default('default'),
  direction: z.enum(CALL_DIRECTIONS),
  localParty: z.string(),
  localAlias: z.string(),
  remoteParty: z.string(),
  remoteAlias: z.string(),
  state: z.enum(CALL_STATES),
  holdState: z.enum(['on_hold', 'off_hold']),
  disposition: z.enum(DISPOSITIONS).nullable().default(null),
  createdAt: isoTime.unwrap(),
  connectedAt: isoTime,
  disconnectedAt: isoTime,
  /** Media quality of a call with real media: live while connected or held, final once ended; null otherwise (and before the first report). */
  quality: CallQualitySchema.nullable()
    .default(null)
    .describe('media quality (softphone mode): live while connected or held (updated every ~5 s, RFC 3550 §6.2), final once ended; null otherwise'),
  /** Whether the call was recorded (`GET /api/v1/calls/{guid}/recording`, `<$recording_url>`). */
  recording: z.boolean().default(false),
});

export type CallSnapshot = z.infer<typeof CallSnapshotSchema>;
export type CallDirection = CallSnapshot['direction'];
export type CallStateName = CallSnapshot['state'];
export type Disposition = NonNullable<CallSnapshot['disposition']>;

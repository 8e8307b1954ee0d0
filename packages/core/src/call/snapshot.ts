import { z } from 'zod';

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
 * Media quality of a call with real media (softphone mode), as measured at its end: packets of the far
 * end's stream lost (RFC 3550 §6.4.1 cumulative loss), its interarrival jitter in ms (RFC 3550 §A.8),
 * the round-trip time in ms by RTCP (null when the peer sent no report on ours), an estimated MOS
 * (1–4.5, ITU-T G.107 E-model, simplified; null before any audio) and the voice codec; for an SRTP call
 * also the suite and the packets dropped by SRTP (absent for plain RTP).
 */
export const CallQualitySchema = z.object({
  packetsLost: z.number().int().min(0),
  jitterMs: z.number().min(0),
  rttMs: z.number().min(0).nullable(),
  mos: z.number().min(1).max(5).nullable(),
  codec: z.string(),
  /** SRTP calls only (`line.media.encryption`): the suite that protected the media (RFC 4568 §6.2), e.g. `AES_CM_128_HMAC_SHA1_80`. */
  encryption: z.string().optional(),
  /** SRTP calls only: received packets dropped because they failed authentication, were replayed or malformed (RFC 3711 §3.3). */
  srtpDropped: z.number().int().min(0).optional(),
});
export type CallQuality = z.infer<typeof CallQualitySchema>;

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
  /** Media quality at the end of a call with real media; null otherwise. */
  quality: CallQualitySchema.nullable().default(null),
  /** Whether the call was recorded (`GET /api/v1/calls/{guid}/recording`, `<$recording_url>`). */
  recording: z.boolean().default(false),
});

export type CallSnapshot = z.infer<typeof CallSnapshotSchema>;
export type CallDirection = CallSnapshot['direction'];
export type CallStateName = CallSnapshot['state'];
export type Disposition = NonNullable<CallSnapshot['disposition']>;

import { LINE_COMMON_FIELDS } from '@callhook/core';
import { z } from 'zod';
import { CODEC_NAMES } from '../media/codec.js';
import { loadWavPrompt } from '../media/wav-prompt.js';
import { DEFAULT_CODECS } from '../sdp/negotiate.js';

/** A WAV path that `loadWavPrompt` can read and convert; refused at settings load with the path and the fix. */
const wavPath = (field: string) =>
  z
    .string()
    .min(1, `give the path of a WAV file for line.media.${field}`)
    .superRefine((path, context) => {
      try {
        loadWavPrompt(path);
      } catch (error) {
        context.addIssue({ code: 'custom', message: `line.media.${field}: ${(error as Error).message}` });
      }
    });

/**
 * Media of the line's calls.
 * - `inactivityTimeoutSeconds`: a connected call that is not on hold and has received no RTP for this
 *   long is ended with BYE (a dead peer; RFC 3550 gives no keepalive of its own). 0 turns the check off.
 * - `codecs`: voice codecs in preference order, offered in this order and chosen by it when answering
 *   (PCMU and PCMA are G.711, RFC 3551; `opus` is RFC 7587). G.722 is not available: no maintained
 *   npm package implements it.
 * - `ptime`: packetization of what we send in ms (20, 40 or 60; the peer's a=ptime wins when it is one
 *   of these).
 * - `play`: a WAV file played to the far end once when a call is answered.
 * - `holdMusic`: a WAV file looped to the far end while we hold the call.
 * - `record`: record every answered call to DATA/recordings/<call_guid>.wav (stereo, 8 kHz 16-bit:
 *   left what callhook sent, right what the far end sent).
 * Nothing configured: silence is sent, so a PBX's media timeout never drops a call.
 */
export const SipMediaSchema = z.strictObject({
  inactivityTimeoutSeconds: z
    .number()
    .int()
    .min(0, 'use 0 to turn the RTP inactivity timeout off, or a number of seconds')
    .max(3_600, 'the RTP inactivity timeout is at most 3600 seconds')
    .default(45),
  codecs: z
    .array(z.enum(CODEC_NAMES, { message: `line.media.codecs takes ${CODEC_NAMES.join(', ')} (G.722 is not available)` }))
    .min(1, `name at least one codec in line.media.codecs: ${CODEC_NAMES.join(', ')}`)
    .refine((codecs) => new Set(codecs).size === codecs.length, 'name each codec once in line.media.codecs')
    .default([...DEFAULT_CODECS]),
  ptime: z.union([z.literal(20), z.literal(40), z.literal(60)], { message: 'line.media.ptime is 20, 40 or 60 (ms)' }).default(20),
  play: wavPath('play').optional(),
  holdMusic: wavPath('holdMusic').optional(),
  record: z.boolean().default(false),
});

/**
 * Limits that keep idle or hostile TCP connections from using up file descriptors: connections open at
 * once (in and out), connections per remote IP address, and seconds a new inbound connection may take
 * to send its first valid SIP request before it is closed.
 */
export const SipTcpLimitsSchema = z.strictObject({
  maxConnections: z.number().int().min(1).max(10_000).default(256),
  maxConnectionsPerPeer: z.number().int().min(1).max(1_000).default(16),
  firstRequestTimeoutSeconds: z.number().int().min(1).max(300).default(5),
});

export const SipLineSchema = z.strictObject({
  type: z.literal('sip'),
  aor: z
    .string()
    .regex(/^sips?:[^@\s]+@[^\s]+$/, 'write the address of record as sip:user@domain')
    // sip:user:password@host (RFC 3261 §19.1.1: SHOULD NOT) would put the password in <$local_party>,
    // in the line status and in every log line that names the AOR.
    .refine(
      (aor) => !/^sips?:[^@:]*:[^@]*@/.test(aor),
      'a password does not belong in the address of record; write sip:user@domain and put it in line.password',
    ),
  password: z.string().default(''),
  authUser: z.string().optional(),
  registrar: z
    .string()
    .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/, 'write the registrar as host[:port], e.g. 127.0.0.1:5060')
    .optional(),
  transport: z.enum(['udp', 'tcp']).default('udp'),
  displayName: z.string().optional(),
  bindAddress: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(0),
  autoAnswer: z.boolean().default(false),
  registerExpires: z.number().int().min(30).max(86_400).default(600),
  ...LINE_COMMON_FIELDS,
  /** Media supervision of connected calls. */
  media: SipMediaSchema.default(SipMediaSchema.parse({})),
  /** Limits of the SIP TCP listener (only with `transport: "tcp"`). */
  tcp: SipTcpLimitsSchema.default(SipTcpLimitsSchema.parse({})),
});

/** Settings of one `sip` line (a `lines[]` entry without its id). */
export type SipLineSettings = z.output<typeof SipLineSchema>;

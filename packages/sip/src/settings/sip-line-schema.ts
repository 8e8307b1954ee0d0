import { LINE_COMMON_FIELDS } from '@callhook/core';
import { isIP } from 'node:net';
import * as z from 'zod';
import { CODEC_NAMES } from '../media/codec.js';
import { loadWavPrompt } from '../media/wav-prompt.js';
import { DEFAULT_CODECS } from '../sdp/negotiate.js';
import { DEFAULT_SRTP_SUITES } from '../sdp/negotiate-crypto.js';
import { SRTP_SUITES } from '../srtp/crypto-attribute.js';
import { DEFAULT_OVERLOAD } from '../transport/overload-limits.js';

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

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

/**
 * A `host[:port]` field (registrar, outbound proxy). The port, when written, must be 1–65535: a port the
 * pattern alone lets through (99999, 0) would otherwise pass `config check` and fail only at start, in
 * Node's words, while the line looks up its local address.
 */
const hostPort = (format: string) =>
  z
    .string()
    .regex(HOST_PORT, format)
    .superRefine((text, context) => {
      const port = HOST_PORT.exec(text)?.[2];
      if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
        context.addIssue({ code: 'custom', message: `the port must be 1–65535, got ${port}; ${format}` });
      }
    });

/**
 * Media of the line's calls.
 * - `encryption`: SRTP for media (see below); `srtpSuites`: its SDES suites in preference order.
 * - `inactivityTimeoutSeconds`: a connected call that is not on hold and has received no RTP for this
 *   long is ended with BYE (a dead peer; RFC 3550 gives no keepalive of its own). 0 turns the check off.
 * - `codecs`: voice codecs in preference order, offered in this order and chosen by it when answering
 *   (PCMU and PCMA are G.711, RFC 3551; `G722` is ITU-T G.722 at 64 kbit/s, payload type 9, RFC 3551
 *   §4.5.2; `opus` is RFC 7587). A call's audio runs at its first agreed codec's rate: 16 kHz for G722
 *   and opus (wideband), 8 kHz for PCMU and PCMA; a codec of the other rate agreed later in the call
 *   (re-INVITE) is converted to it.
 * - `wideband`: false keeps every call at 8 kHz (G722 and opus heard as narrowband, recordings half the
 *   size; an Opus call costs about 0.75× the CPU, a G.722 call about 1.2×, its 8↔16 kHz filters); default true.
 * - `ptime`: packetization of what we send in ms (20, 40 or 60; the peer's a=ptime wins when it is one
 *   of these).
 * - `play`: a WAV file played to the far end once when a call is answered.
 * - `holdMusic`: a WAV file looped to the far end while we hold the call.
 * - `record`: record every answered call to DATA/recordings/<call_guid>.wav (stereo 16-bit at the call's
 *   audio rate, 8 or 16 kHz: left what callhook sent, right what the far end sent).
 * Nothing configured: silence is sent, so a PBX's media timeout never drops a call.
 */
export const SipMediaSchema = z.strictObject({
  inactivityTimeoutSeconds: z
    .number()
    .int()
    .min(0, 'use 0 to turn the RTP inactivity timeout off, or a number of seconds')
    .max(3_600, 'the RTP inactivity timeout is at most 3600 seconds')
    .default(45),
  /**
   * SRTP (RFC 3711) with SDES keys (RFC 4568 `a=crypto`, AES_CM_128_HMAC_SHA1_80 and _32), SRTCP too:
   * - `none` (default): plain RTP/AVP; an RTP/SAVP offer is refused with 488.
   * - `sdes`: best effort. Calling, callhook offers RTP/AVP with `a=crypto` keys: a peer that does SDES
   *   answers with its key and media is SRTP, a plain peer ignores the keys and media is plain RTP (an
   *   RTP/SAVP offer would fail against every plain peer, RFC 3264 §6). Called, it takes RTP/SAVP and
   *   RTP/AVP offers with a usable key as SRTP and plain RTP/AVP offers as plain.
   * - `required`: calling, callhook offers RTP/SAVP with keys and ends a call whose answer has no usable
   *   key (ACK and BYE; `ended` failed, the detail says so); called, it refuses an offer without a usable
   *   key with 488 Not Acceptable Here and a Warning saying why.
   * Keys come from the line's random source (the system CSPRNG).
   */
  encryption: z.enum(['none', 'sdes', 'required'], { message: 'line.media.encryption is "none", "sdes" or "required"' }).default('none'),
  /**
   * The SDES suites (RFC 4568 §6.2) callhook offers, one `a=crypto` line each in this order (tags 1, 2, …),
   * and the only ones it accepts from an offer (taken in the offer's order, §7.1.2). Default
   * AES_CM_128_HMAC_SHA1_80 then AES_CM_128_HMAC_SHA1_32 (32-bit RTP tag, SRTCP keeps 80 bits).
   */
  srtpSuites: z
    .array(z.enum(SRTP_SUITES, { message: `line.media.srtpSuites takes ${SRTP_SUITES.join(', ')}` }))
    .min(1, `name at least one suite in line.media.srtpSuites: ${SRTP_SUITES.join(', ')}`)
    .refine((suites) => new Set(suites).size === suites.length, 'name each suite once in line.media.srtpSuites')
    .default([...DEFAULT_SRTP_SUITES]),
  codecs: z
    .array(z.enum(CODEC_NAMES, { message: `line.media.codecs takes ${CODEC_NAMES.join(', ')} (G.722 is written G722)` }))
    .min(1, `name at least one codec in line.media.codecs: ${CODEC_NAMES.join(', ')}`)
    .refine((codecs) => new Set(codecs).size === codecs.length, 'name each codec once in line.media.codecs')
    .default([...DEFAULT_CODECS]),
  ptime: z.union([z.literal(20), z.literal(40), z.literal(60)], { message: 'line.media.ptime is 20, 40 or 60 (ms)' }).default(20),
  wideband: z.boolean({ message: 'line.media.wideband is true (G722 and opus calls at 16 kHz) or false (every call at 8 kHz)' }).default(true),
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

/**
 * TLS settings (`transport: "tls"`, RFC 3261 §26.3.1): the server certificate is checked against the system
 * trust store plus `caFile`, and must name the registrar's host (or `serverName`); `certFile` + `keyFile`
 * give a client certificate (PEM) for PBXs that require one. TLS 1.2 or later only.
 */
export const SipTlsSchema = z
  .strictObject({
    caFile: z.string().min(1, 'write line.tls.caFile as the path of a PEM CA certificate, or leave it out').optional(),
    certFile: z.string().min(1, 'write line.tls.certFile as the path of a PEM client certificate, or leave it out').optional(),
    keyFile: z.string().min(1, 'write line.tls.keyFile as the path of the PEM private key of certFile, or leave it out').optional(),
    serverName: z
      .string()
      .regex(/^[A-Za-z0-9.-]+$/, 'write line.tls.serverName as the host name the PBX certificate lists, e.g. pbx.example.com')
      .optional(),
  })
  .refine((tls) => (tls.certFile === undefined) === (tls.keyFile === undefined), {
    message: 'a client certificate needs both line.tls.certFile and line.tls.keyFile',
    path: ['certFile'],
  });

/**
 * Overload protection for new calls (RFC 3261 §21.5.4). Requests inside a dialog (BYE, CANCEL, ACK,
 * re-INVITE) and responses are never held back or refused: they are handled as soon as they are read.
 * A new INVITE instead waits in a queue and is started when the event loop has handled what it read
 * (one per turn of the loop), so the rate at which calls are started follows what this machine
 * sustains; when more than `maxPendingInvites` new INVITEs are waiting, the next ones are refused at
 * once with `503 Service Unavailable` and `Retry-After: retryAfterSeconds` (§20.33) — a PBX then
 * tries another target or later — instead of being answered seconds late or not at all.
 * - `maxPendingInvites`: new INVITEs that may wait to be started (default 32: about a tenth of a
 *   second of the INVITEs a 2-core machine can start).
 * - `retryAfterSeconds`: the Retry-After of those 503s (default 5).
 */
export const SipOverloadSchema = z.strictObject({
  maxPendingInvites: z
    .number()
    .int()
    .min(1, 'line.overload.maxPendingInvites is at least 1 (new calls that may wait to be started)')
    .max(10_000, 'line.overload.maxPendingInvites is at most 10000')
    .default(DEFAULT_OVERLOAD.maxPendingInvites),
  retryAfterSeconds: z
    .number()
    .int()
    .min(1, 'line.overload.retryAfterSeconds is at least 1 (RFC 3261 §20.33 counts whole seconds)')
    .max(3_600, 'line.overload.retryAfterSeconds is at most 3600')
    .default(DEFAULT_OVERLOAD.retryAfterSeconds),
});

const DIALOG_PORT_FORMAT = { message: 'write line.dialogPort as a UDP port number (0 = any free port, up to 65535) or false (one socket for everything)' };

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
  registrar: hostPort('write the registrar as host[:port], e.g. 127.0.0.1:5060').optional(),
  /**
   * Where out-of-dialog requests (REGISTER, new INVITEs) are sent instead of the registrar or the
   * Request-URI's host (RFC 3261 §8.1.2), written as host[:port]; with TLS the line's connection goes here.
   */
  outboundProxy: hostPort('write line.outboundProxy as host[:port], e.g. proxy.example.com:5061').optional(),
  /**
   * NAT keep-alive interval while the line has a registrar: a CRLF ping on the TLS/TCP connection to the
   * first hop (answered by a CRLF pong within 10 s, else the connection is closed and the line registers
   * again; RFC 5626 §4.4.1), a CRLF datagram over UDP. 0 turns it off.
   */
  keepAliveSeconds: z
    .number()
    .int()
    .min(0, 'use 0 to turn NAT keep-alives off, or a number of seconds')
    .max(3_600, 'NAT keep-alives are at most 3600 seconds apart')
    .default(30),
  /** `tls` needs a registrar: the line opens the connection and takes calls on it (no TLS listener). */
  transport: z.enum(['udp', 'tcp', 'tls']).default('udp'),
  displayName: z.string().optional(),
  /**
   * The local IP address to listen on (SIP and RTP). Unset (the default), the line uses the local address
   * that routes to its registrar (else its AOR's domain) and advertises it in Via, Contact and SDP;
   * `0.0.0.0` or `::` listens on every interface and advertises that routed address.
   */
  bindAddress: z
    .string()
    .refine((text) => isIP(text) !== 0, 'write line.bindAddress as an IP address of this machine (e.g. 192.168.1.20 or 0.0.0.0), or leave it out')
    .optional(),
  port: z.number().int().min(0).max(65535).default(0),
  /**
   * UDP only: the port of the line's second socket, for in-dialog requests (docs/sip-in-node.md §9). The
   * Contact of the line's INVITEs and of its answers to INVITEs names it, so a peer sends each call's
   * ACK, BYE, re-INVITE, INFO… there, where they are read each turn of the event loop however many new
   * INVITEs wait on `port`; the REGISTER Contact keeps `port`, so new calls still come there. 0 (the
   * default) takes any free port, as RTP does; a number fixes it (for a firewall); `false` keeps one
   * socket for everything. With `transport` tcp or tls there is one connection per peer and no second
   * socket: leave it at 0.
   */
  dialogPort: z
    .union([z.literal(false), z.number().int(DIALOG_PORT_FORMAT).min(0, DIALOG_PORT_FORMAT).max(65535, DIALOG_PORT_FORMAT)], DIALOG_PORT_FORMAT)
    .default(0),
  autoAnswer: z.boolean().default(false),
  registerExpires: z.number().int().min(30).max(86_400).default(600),
  ...LINE_COMMON_FIELDS,
  /** Media supervision of connected calls. */
  media: SipMediaSchema.default(SipMediaSchema.parse({})),
  /** Trust, client certificate and server name (only with `transport: "tls"`). */
  tls: SipTlsSchema.default({}),
  /** Limits of the SIP TCP listener (only with `transport: "tcp"`). */
  tcp: SipTcpLimitsSchema.default(SipTcpLimitsSchema.parse({})),
  /** Overload protection: how many new calls may wait to be started before more are refused with 503. */
  overload: SipOverloadSchema.default(SipOverloadSchema.parse({})),
});

/** Settings of one `sip` line (a `lines[]` entry without its id). */
export type SipLineSettings = z.output<typeof SipLineSchema>;

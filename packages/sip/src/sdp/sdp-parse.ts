import { isIPv4, isIPv6 } from 'node:net';
import sdpTransform from 'sdp-transform';
import { DIRECTIONS, type Direction } from './direction.js';
import { SdpError } from './sdp-error.js';

/** One rtpmap of the stream (RFC 4566 §6), or a static payload type's entry (RFC 3551 §6). */
export interface RemoteFormat {
  payloadType: number;
  /** Lower-case encoding name, e.g. `pcmu`, `opus`, `telephone-event`. */
  encoding: string;
  /** Clock rate in Hz. */
  clockRate: number;
  /** Channels (1 when not stated). */
  channels: number;
}

/** The RTP profiles of an audio stream callhook reads: plain (RFC 3551) or secure (RFC 3711 §12). */
export type RtpProfile = 'RTP/AVP' | 'RTP/SAVP';

/** The first RTP/AVP or RTP/SAVP audio stream of a remote SDP, with every value checked. */
export interface RemoteAudio {
  /** The stream's transport protocol (RFC 4566 §5.14). */
  profile: RtpProfile;
  /** The stream's `a=crypto` values (RFC 4568 §9.1) as written, without `a=`, in the SDP's order; not yet checked. */
  crypto: string[];
  /** Unicast IPv4 or IPv6 address the peer receives RTP on (RFC 4566 §5.7), or 0.0.0.0 (old-style hold). */
  address: string;
  /** 1–65535, or 0 for a rejected/disabled stream (RFC 3264 §5.1). */
  port: number;
  /** Offered payload types (0–127, RFC 3550 §5.1) in preference order. */
  payloadTypes: number[];
  /** Lower-case encoding name by payload type, from rtpmap or the static table. */
  encodings: Map<number, string>;
  /** Formats by payload type, from rtpmap or the static table. */
  formats: Map<number, RemoteFormat>;
  direction: Direction;
  /** `a=ptime` in ms (RFC 4566 §6), when given. */
  ptimeMs: number | undefined;
  /** `a=rtcp-mux` (RFC 5761 §5.1.1). */
  rtcpMux: boolean;
  /** Where the peer wants RTCP: `a=rtcp` (RFC 3605) or the RTP port + 1 (RFC 3550 §11). */
  rtcpPort: number;
  rtcpAddress: string;
}

/** RFC 3551 §6 static audio payload types callhook knows. */
const STATIC_FORMATS: readonly RemoteFormat[] = [
  { payloadType: 0, encoding: 'pcmu', clockRate: 8000, channels: 1 },
  { payloadType: 8, encoding: 'pcma', clockRate: 8000, channels: 1 },
  { payloadType: 9, encoding: 'g722', clockRate: 8000, channels: 1 },
];
const MAX_SDP_LINES = 500;
const LINE = /^[a-z]=[^\0\r\n]*$/;

/**
 * Reads the first RTP/AVP or RTP/SAVP audio stream of an SDP (RFC 4566) and validates every value it uses: port
 * 0–65535, payload types 0–127, connection address a unicast IP of the stated family, ptime 1–1000 ms.
 * The structure comes from sdp-transform; the lines callhook uses are checked here first, since
 * sdp-transform skips what does not match its grammar instead of refusing it.
 * Throws `SdpError` (a `SipError('sdp_unacceptable')`) naming the first bad value; 304 when there is
 * no usable audio stream, 399 for syntax or range errors.
 */
export function parseRemoteAudio(sdp: string): RemoteAudio {
  const known = parsed.get(sdp);
  if (known) return copyOf(known);
  const audio = parseUncached(sdp);
  if (parsed.size >= MAX_PARSED) parsed.clear();
  parsed.set(sdp, audio);
  return copyOf(audio);
}

/**
 * Offers read before: an INVITE's SDP is read by the offer check and again by the session description
 * handler, and one peer's offers are often the same text call after call. Bounded; only SDPs that
 * parsed (a bad one throws again, the same way). Callers get their own copy of the mutable parts.
 */
const parsed = new Map<string, RemoteAudio>();
const MAX_PARSED = 64;

function copyOf(audio: RemoteAudio): RemoteAudio {
  return { ...audio, payloadTypes: [...audio.payloadTypes], encodings: new Map(audio.encodings), formats: new Map(audio.formats) };
}

function parseUncached(sdp: string): RemoteAudio {
  const lines = sdp
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.length > MAX_SDP_LINES) bad(`SDP has more than ${MAX_SDP_LINES} lines`);
  if (lines[0] !== 'v=0') bad('SDP does not start with v=0');
  // Which m= section is the audio stream, and its checked port and formats.
  let section = -1;
  let audioSection = -1;
  let stream: { port: number; payloadTypes: number[]; profile: RtpProfile } | undefined;
  const crypto: string[] = [];
  for (const line of lines) {
    if (!LINE.test(line)) bad(`bad SDP line "${line.slice(0, 40)}"`);
    if (line.startsWith('m=')) {
      section++;
      if (stream) break;
      stream = audioStream(line);
      if (stream) audioSection = section;
      continue;
    }
    const inScope = section === -1 || section === audioSection;
    if (inScope && line.startsWith('c=')) connectionAddress(line);
    if (inScope && section !== -1 && line.startsWith('a=rtpmap:')) rtpMap(line);
    if (inScope && section !== -1 && line.startsWith('a=crypto:')) crypto.push(line.slice(2));
  }
  if (!stream) throw new SdpError(304, 'no RTP/AVP or RTP/SAVP audio stream in the SDP');
  const session = sdpTransform.parse(lines.join('\r\n') + '\r\n');
  const media = session.media[audioSection];
  if (!media) bad('the audio stream could not be read');
  const formats = new Map<number, RemoteFormat>(STATIC_FORMATS.map((format) => [format.payloadType, format]));
  for (const rtp of media.rtp) {
    formats.set(rtp.payload, {
      payloadType: rtp.payload,
      encoding: rtp.codec.toLowerCase(),
      clockRate: rtp.rate ?? 8000,
      channels: Number(rtp.encoding ?? 1) || 1,
    });
  }
  let address = media.connection?.ip ?? session.connection?.ip ?? '';
  if (!address) bad('no connection address in the SDP');
  address = address.split('/')[0]!;
  let direction: Direction = pickDirection(media.direction) ?? pickDirection(session.direction) ?? 'sendrecv';
  // RFC 2543 style hold: a zero address means "do not send to me".
  if (address === '0.0.0.0' && direction === 'sendrecv') direction = 'sendonly';
  if (stream.port === 0) direction = 'inactive';
  const ptimeMs = media.ptime;
  if (ptimeMs !== undefined && !(Number.isInteger(ptimeMs) && ptimeMs >= 1 && ptimeMs <= 1000)) bad(`ptime ${ptimeMs} is out of range 1-1000 ms`);
  const rtcpPort = media.rtcp?.port ?? stream.port + 1;
  if (!Number.isInteger(rtcpPort) || rtcpPort < 0 || rtcpPort > 65535) bad(`rtcp port ${rtcpPort} is out of range 0-65535`);
  const rtcpAddress = media.rtcp?.address && (isIPv4(media.rtcp.address) || isIPv6(media.rtcp.address)) ? media.rtcp.address : address;
  return {
    profile: stream.profile,
    crypto,
    address,
    port: stream.port,
    payloadTypes: stream.payloadTypes,
    encodings: new Map([...formats].map(([pt, format]) => [pt, format.encoding])),
    formats,
    direction,
    ptimeMs,
    rtcpMux: media.rtcpMux !== undefined,
    rtcpPort,
    rtcpAddress,
  };
}

function pickDirection(value: string | undefined): Direction | undefined {
  return DIRECTIONS.find((candidate) => candidate === value);
}

function bad(why: string): never {
  throw new SdpError(399, why);
}

/** `m=audio <port>[/<count>] RTP/AVP|RTP/SAVP <fmt>…`; undefined for other media or transports. */
function audioStream(line: string): { port: number; payloadTypes: number[]; profile: RtpProfile } | undefined {
  const fields = line.slice(2).split(/ +/);
  if (fields[0] !== 'audio' || (fields[2] !== 'RTP/AVP' && fields[2] !== 'RTP/SAVP')) return undefined;
  const portMatch = /^(\d{1,10})(?:\/\d{1,3})?$/.exec(fields[1] ?? '');
  if (!portMatch) bad(`bad media port "${(fields[1] ?? '').slice(0, 20)}"`);
  const port = Number(portMatch[1]);
  if (port > 65535) bad(`media port ${port} is out of range 0-65535`);
  const formats = fields.slice(3);
  if (formats.length === 0) bad('audio stream without payload types');
  return { port, payloadTypes: formats.map(payloadType), profile: fields[2] };
}

function payloadType(text: string): number {
  if (!/^\d{1,10}$/.test(text)) bad(`bad payload type "${text.slice(0, 20)}"`);
  const value = Number(text);
  if (value > 127) bad(`payload type ${value} is out of range 0-127`);
  return value;
}

/** `c=IN IP4 <address>[/ttl]` or `c=IN IP6 <address>`: a unicast address of the stated family. */
function connectionAddress(line: string): string {
  const match = /^c=IN (IP4|IP6) ([^\s/]+)(?:\/\d+){0,2}$/.exec(line);
  if (!match) bad(`bad connection line "${line.slice(0, 60)}"`);
  const [, family, address] = match as unknown as [string, string, string];
  const valid = family === 'IP4' ? isIPv4(address) : isIPv6(address);
  if (!valid) bad(`connection address "${address.slice(0, 45)}" is not an ${family} address`);
  if (isMulticastOrBroadcast(address)) bad(`connection address ${address} is not unicast`);
  return address;
}

function isMulticastOrBroadcast(address: string): boolean {
  if (isIPv4(address)) return Number(address.split('.')[0]) >= 224;
  return /^ff/i.test(address);
}

/** `a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>]` (RFC 4566 §6). */
function rtpMap(line: string): void {
  const match = /^a=rtpmap:(\S+) ([A-Za-z0-9._+-]{1,32})\/(\d{1,9})(?:\/\d{1,3})?$/.exec(line);
  if (!match) bad(`bad rtpmap "${line.slice(0, 60)}"`);
  payloadType(match[1]!);
}

import { isIPv4, isIPv6 } from 'node:net';
import { DIRECTIONS, type Direction } from './direction.js';
import { SdpError } from './sdp-error.js';

/** The first plain RTP/AVP audio stream of a remote SDP, with every value checked. */
export interface RemoteAudio {
  /** Unicast IPv4 or IPv6 address the peer receives RTP on (RFC 4566 §5.7), or 0.0.0.0 (old-style hold). */
  address: string;
  /** 1–65535, or 0 for a rejected/disabled stream (RFC 3264 §5.1). */
  port: number;
  /** Offered payload types (0–127, RFC 3550 §5.1) in preference order. */
  payloadTypes: number[];
  /** Lower-case encoding name by payload type, from rtpmap or the static table. */
  encodings: Map<number, string>;
  direction: Direction;
}

const STATIC_ENCODINGS = new Map<number, string>([
  [0, 'pcmu'],
  [8, 'pcma'],
]);
const MAX_SDP_LINES = 500;
const LINE = /^[a-z]=[^\0\r\n]*$/;

/**
 * Reads the first RTP/AVP audio stream of an SDP (RFC 4566) and validates every value it uses: port
 * 0–65535, payload types 0–127, connection address a unicast IP of the stated family.
 * Throws `SdpError` (a `SipError('sdp_unacceptable')`) naming the first bad value; 304 when there is
 * no usable audio stream, 399 for syntax or range errors.
 */
export function parseRemoteAudio(sdp: string): RemoteAudio {
  const lines = sdp
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.length > MAX_SDP_LINES) bad(`SDP has more than ${MAX_SDP_LINES} lines`);
  if (lines[0] !== 'v=0') bad('SDP does not start with v=0');
  let sessionAddress: string | undefined;
  let sessionDirection: Direction | undefined;
  let media: RemoteAudio | undefined;
  let inAudio = false;
  let sessionLevel = true; // until the first m= line of any kind
  let mediaDirection: Direction | undefined;
  let mediaAddress: string | undefined;
  for (const line of lines) {
    if (!LINE.test(line)) bad(`bad SDP line "${line.slice(0, 40)}"`);
    if (line.startsWith('m=')) {
      sessionLevel = false;
      if (media) break;
      media = audioStream(line);
      inAudio = media !== undefined;
      continue;
    }
    if (!sessionLevel && !inAudio) continue;
    const address = line.startsWith('c=') ? connectionAddress(line) : undefined;
    const direction = DIRECTIONS.find((candidate) => line === `a=${candidate}`);
    if (sessionLevel) {
      sessionAddress = address ?? sessionAddress;
      sessionDirection = direction ?? sessionDirection;
    } else if (media) {
      mediaAddress = address ?? mediaAddress;
      mediaDirection = direction ?? mediaDirection;
      const rtpmap = line.startsWith('a=rtpmap:') ? rtpMap(line) : undefined;
      if (rtpmap) media.encodings.set(rtpmap.payloadType, rtpmap.encoding);
    }
  }
  if (!media) throw new SdpError(304, 'no RTP/AVP audio stream in the SDP');
  media.address = mediaAddress ?? sessionAddress ?? '';
  if (!media.address) bad('no connection address in the SDP');
  media.direction = mediaDirection ?? sessionDirection ?? 'sendrecv';
  // RFC 2543 style hold: a zero address means "do not send to me".
  if (media.address === '0.0.0.0' && media.direction === 'sendrecv') media.direction = 'sendonly';
  if (media.port === 0) media.direction = 'inactive';
  return media;
}

function bad(why: string): never {
  throw new SdpError(399, why);
}

/** `m=audio <port>[/<count>] RTP/AVP <fmt>…`; undefined for other media or transports. */
function audioStream(line: string): RemoteAudio | undefined {
  const fields = line.slice(2).split(/ +/);
  if (fields[0] !== 'audio' || fields[2] !== 'RTP/AVP') return undefined;
  const portMatch = /^(\d{1,10})(?:\/\d{1,3})?$/.exec(fields[1] ?? '');
  if (!portMatch) bad(`bad media port "${(fields[1] ?? '').slice(0, 20)}"`);
  const port = Number(portMatch[1]);
  if (port > 65535) bad(`media port ${port} is out of range 0-65535`);
  const formats = fields.slice(3);
  if (formats.length === 0) bad('audio stream without payload types');
  const payloadTypes = formats.map(payloadType);
  return { address: '', port, payloadTypes, encodings: new Map(STATIC_ENCODINGS), direction: 'sendrecv' };
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
function rtpMap(line: string): { payloadType: number; encoding: string } {
  const match = /^a=rtpmap:(\S+) ([A-Za-z0-9._+-]{1,32})\/(\d{1,9})(?:\/\d{1,3})?$/.exec(line);
  if (!match) bad(`bad rtpmap "${line.slice(0, 60)}"`);
  return { payloadType: payloadType(match[1]!), encoding: match[2]!.toLowerCase() };
}

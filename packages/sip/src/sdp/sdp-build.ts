import { isIPv6 } from 'node:net';
import type { CodecName } from '../media/codec.js';
import type { Direction } from './direction.js';
import type { RtpProfile } from './sdp-parse.js';

/** One format of our m= line. */
export interface AudioCodec {
  payloadType: number;
  name: CodecName | 'telephone-event';
  /** RTP clock rate in Hz (8000 unless stated — G.722 too, RFC 3551 §4.5.2; Opus 48000). */
  clockRate?: number;
  /** Channels in the rtpmap (Opus: 2, RFC 7587 §7). */
  channels?: number;
  fmtp?: string;
}

/** What `offerCodecs()` gives for the default preference: PCMU, PCMA, telephone-event. */
export const OFFERED_CODECS: readonly AudioCodec[] = [
  { payloadType: 0, name: 'PCMU' },
  { payloadType: 8, name: 'PCMA' },
  { payloadType: 101, name: 'telephone-event' },
];

export interface LocalAudio {
  sessionId: number;
  version: number;
  address: string;
  port: number;
  codecs: readonly AudioCodec[];
  direction: Direction;
  /** Packetization we send, ms (RFC 4566 §6 a=ptime); 20 unless stated. */
  ptimeMs?: number;
  /** Offer or accept RTCP multiplexing on the RTP port (RFC 5761 §5.1.1). */
  rtcpMux?: boolean;
  /** RTP/AVP unless stated; RTP/SAVP for SRTP (RFC 3711 §12). */
  profile?: RtpProfile;
  /** `a=crypto` values (without `a=`) of the stream, in preference order (RFC 4568 §9.1). */
  crypto?: readonly string[];
}

/** Writes an RTP/AVP or RTP/SAVP audio SDP (RFC 4566) with one stream, and its SDES keys (RFC 4568) if any. */
export function buildSdp(local: LocalAudio): string {
  const family = isIPv6(local.address) ? 'IP6' : 'IP4';
  const lines = [
    'v=0',
    `o=callhook ${local.sessionId} ${local.version} IN ${family} ${local.address}`,
    's=callhook',
    `c=IN ${family} ${local.address}`,
    't=0 0',
    `m=audio ${local.port} ${local.profile ?? 'RTP/AVP'} ${local.codecs.map((codec) => codec.payloadType).join(' ')}`,
  ];
  for (const codec of local.codecs) {
    lines.push(`a=rtpmap:${codec.payloadType} ${codec.name}/${codec.clockRate ?? 8000}${codec.channels ? `/${codec.channels}` : ''}`);
    if (codec.name === 'telephone-event') lines.push(`a=fmtp:${codec.payloadType} 0-16`);
    else if (codec.fmtp) lines.push(`a=fmtp:${codec.payloadType} ${codec.fmtp}`);
  }
  if (local.rtcpMux) lines.push('a=rtcp-mux');
  for (const crypto of local.crypto ?? []) lines.push(`a=${crypto}`);
  lines.push(`a=ptime:${local.ptimeMs ?? 20}`, `a=${local.direction}`);
  return lines.join('\r\n') + '\r\n';
}

import { isIPv6 } from 'node:net';
import type { Direction } from './direction.js';

export interface AudioCodec {
  payloadType: number;
  name: 'PCMU' | 'PCMA' | 'telephone-event';
}

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
}

/** Writes a plain RTP/AVP audio SDP (RFC 4566) with one stream. */
export function buildSdp(local: LocalAudio): string {
  const family = isIPv6(local.address) ? 'IP6' : 'IP4';
  const lines = [
    'v=0',
    `o=callhook ${local.sessionId} ${local.version} IN ${family} ${local.address}`,
    's=callhook',
    `c=IN ${family} ${local.address}`,
    't=0 0',
    `m=audio ${local.port} RTP/AVP ${local.codecs.map((codec) => codec.payloadType).join(' ')}`,
  ];
  for (const codec of local.codecs) {
    lines.push(`a=rtpmap:${codec.payloadType} ${codec.name}/8000`);
    if (codec.name === 'telephone-event') lines.push(`a=fmtp:${codec.payloadType} 0-16`);
  }
  lines.push('a=ptime:20', `a=${local.direction}`);
  return lines.join('\r\n') + '\r\n';
}

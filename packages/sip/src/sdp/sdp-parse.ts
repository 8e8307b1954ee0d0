import { SipError } from '../errors.js';
import { DIRECTIONS, type Direction } from './direction.js';

export interface RemoteAudio {
  address: string;
  port: number;
  /** Offered payload types in preference order. */
  payloadTypes: number[];
  /** Lower-case encoding name by payload type, from rtpmap or the static table. */
  encodings: Map<number, string>;
  direction: Direction;
}

const STATIC_ENCODINGS = new Map<number, string>([[0, 'pcmu'], [8, 'pcma']]);

/** Reads the first audio stream of a plain SDP; throws SipError('sdp_unacceptable') when there is none. */
export function parseRemoteAudio(sdp: string): RemoteAudio {
  const lines = sdp.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  let sessionAddress: string | undefined;
  let sessionDirection: Direction | undefined;
  let media: RemoteAudio | undefined;
  let inAudio = false;
  let sessionLevel = true; // until the first m= line of any kind
  let mediaDirection: Direction | undefined;
  let mediaAddress: string | undefined;
  for (const line of lines) {
    if (line.startsWith('m=')) {
      sessionLevel = false;
      if (media) break;
      const match = /^m=audio (\d{1,5})(?:\/\d+)? RTP\/AVP((?: \d{1,3})+)$/.exec(line);
      inAudio = Boolean(match);
      if (match) media = { address: '', port: Number(match[1]), payloadTypes: match[2]!.trim().split(' ').map(Number), encodings: new Map(STATIC_ENCODINGS), direction: 'sendrecv' };
      continue;
    }
    const address = /^c=IN IP[46] (\S+)$/.exec(line)?.[1];
    const direction = DIRECTIONS.find((candidate) => line === `a=${candidate}`);
    const rtpmap = /^a=rtpmap:(\d{1,3}) ([^/\s]+)\//.exec(line);
    if (sessionLevel) {
      sessionAddress = address ?? sessionAddress;
      sessionDirection = direction ?? sessionDirection;
    } else if (inAudio && media) {
      mediaAddress = address ?? mediaAddress;
      mediaDirection = direction ?? mediaDirection;
      if (rtpmap) media.encodings.set(Number(rtpmap[1]), rtpmap[2]!.toLowerCase());
    }
  }
  if (!media) throw new SipError('sdp_unacceptable', 'no RTP/AVP audio stream in the SDP');
  media.address = mediaAddress ?? sessionAddress ?? '';
  if (!media.address) throw new SipError('sdp_unacceptable', 'no connection address in the SDP');
  media.direction = mediaDirection ?? sessionDirection ?? 'sendrecv';
  // RFC 2543 style hold: a zero address means "do not send to me".
  if (media.address === '0.0.0.0' && media.direction === 'sendrecv') media.direction = 'sendonly';
  if (media.port === 0) media.direction = 'inactive';
  return media;
}

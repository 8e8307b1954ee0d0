import { RtpPacket } from 'werift-rtp';

/** The fields of a received RTP packet the media path uses (RFC 3550 §5.1). */
export interface ReceivedRtp {
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
  payload: Buffer;
}

/**
 * Reads an RTP packet with werift-rtp (CSRCs, header extensions and padding handled there), after
 * checking what it does not: version 2 and a header that fits. Throws an Error naming the fault.
 */
export function parseRtp(data: Buffer): ReceivedRtp {
  if (data.length < 12) throw new Error(`RTP packet of ${data.length} bytes is shorter than its 12-byte header`);
  if (data[0]! >> 6 !== 2) throw new Error(`RTP version ${data[0]! >> 6} is not 2`);
  const packet = RtpPacket.deSerialize(data);
  const { header } = packet;
  if (header.payloadOffset > data.length) throw new Error('RTP header runs past the packet');
  return {
    payloadType: header.payloadType,
    sequence: header.sequenceNumber,
    timestamp: header.timestamp,
    ssrc: header.ssrc,
    marker: header.marker,
    payload: packet.payload,
  };
}

/** Whether a packet on a multiplexed port is RTCP (RFC 5761 §4: second byte 192–223 / PT 64–95). */
export function isRtcpPacket(data: Buffer): boolean {
  return data.length >= 2 && data[1]! >= 192 && data[1]! <= 223;
}

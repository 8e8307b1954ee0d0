export interface RtpHeader {
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
}

/** Serialises an RTP packet (RFC 3550 §5.1) without CSRCs or extensions. */
export function rtpPacket(header: RtpHeader, payload: Uint8Array): Buffer {
  const packet = Buffer.alloc(12 + payload.length);
  packet[0] = 0x80;
  packet[1] = (header.marker ? 0x80 : 0) | (header.payloadType & 0x7f);
  packet.writeUInt16BE(header.sequence & 0xffff, 2);
  packet.writeUInt32BE(header.timestamp >>> 0, 4);
  packet.writeUInt32BE(header.ssrc >>> 0, 8);
  packet.set(payload, 12);
  return packet;
}

const EVENT_CODES = '0123456789*#ABCD';

export function dtmfEventCode(digit: string): number | undefined {
  const code = EVENT_CODES.indexOf(digit.toUpperCase());
  return code === -1 ? undefined : code;
}

/** RFC 4733 §2.3 named-event payload. */
export function dtmfEventPayload(event: number, end: boolean, duration: number, volume = 10): Uint8Array {
  const payload = new Uint8Array(4);
  payload[0] = event;
  payload[1] = (end ? 0x80 : 0) | (volume & 0x3f);
  payload[2] = (duration >> 8) & 0xff;
  payload[3] = duration & 0xff;
  return payload;
}

/** One reception report block (RFC 3550 §6.4.1), about one source we receive. */
export interface ReportBlock {
  ssrc: number;
  /** Fraction lost since the last report, in 1/256 (0–255). */
  fractionLost: number;
  /** Cumulative packets lost, signed 24-bit (duplicates can make it negative). */
  packetsLost: number;
  /** Extended highest sequence number received (uint32). */
  highestSequence: number;
  /** Interarrival jitter in timestamp units (uint32). */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR from that source, 0 when none. */
  lsr: number;
  /** Delay since that SR, in 1/65536 s (uint32). */
  dlsr: number;
}

/** The sender info of an SR (RFC 3550 §6.4.1). */
export interface SenderInfo {
  /** 64-bit NTP timestamp (32.32 fixed point, seconds since 1900). */
  ntpTimestamp: bigint;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
}

const SR = 200;
const RR = 201;
const SDES = 202;
const SDES_CNAME = 1;
const MAX_BLOCKS = 31;

/**
 * A compound RTCP packet as RFC 3550 §6.1 asks for: an SR (with `sender`, §6.4.1) or an RR (without,
 * §6.4.2) carrying `blocks`, then an SDES with our CNAME (§6.5.1), written straight into one buffer.
 * It replaced werift-rtp's packet classes for sending, whose serializers concatenate a buffer per field
 * (bytes equal; a negative cumulative loss is written as signed 24-bit here, where werift threw). The
 * CNAME's item list ends with at least one null octet, padded to 32 bits (§6.5). Throws a RangeError
 * for more than 31 blocks or a CNAME over 255 bytes.
 */
export function writeRtcpReport(ssrc: number, sender: SenderInfo | undefined, blocks: readonly ReportBlock[], cname: string): Buffer {
  if (blocks.length > MAX_BLOCKS) throw new RangeError(`at most ${MAX_BLOCKS} report blocks fit in one RTCP packet`);
  const name = Buffer.from(cname, 'utf8');
  if (name.length > 255) throw new RangeError('an SDES CNAME is at most 255 bytes');
  const reportBytes = 8 + (sender ? 20 : 0) + 24 * blocks.length;
  const chunkBytes = 4 + 2 + name.length;
  const sdesBytes = 4 + chunkBytes + (4 - (chunkBytes % 4));
  const packet = Buffer.alloc(reportBytes + sdesBytes);
  packet[0] = 0x80 | blocks.length;
  packet[1] = sender ? SR : RR;
  packet.writeUInt16BE(reportBytes / 4 - 1, 2);
  packet.writeUInt32BE(ssrc >>> 0, 4);
  let at = 8;
  if (sender) {
    packet.writeBigUInt64BE(sender.ntpTimestamp, at);
    packet.writeUInt32BE(sender.rtpTimestamp >>> 0, at + 8);
    packet.writeUInt32BE(sender.packetCount >>> 0, at + 12);
    packet.writeUInt32BE(sender.octetCount >>> 0, at + 16);
    at += 20;
  }
  for (const block of blocks) {
    packet.writeUInt32BE(block.ssrc >>> 0, at);
    packet[at + 4] = block.fractionLost & 0xff;
    packet.writeUIntBE(block.packetsLost & 0xffffff, at + 5, 3);
    packet.writeUInt32BE(block.highestSequence >>> 0, at + 8);
    packet.writeUInt32BE(block.jitter >>> 0, at + 12);
    packet.writeUInt32BE(block.lsr >>> 0, at + 16);
    packet.writeUInt32BE(block.dlsr >>> 0, at + 20);
    at += 24;
  }
  packet[at] = 0x81;
  packet[at + 1] = SDES;
  packet.writeUInt16BE(sdesBytes / 4 - 1, at + 2);
  packet.writeUInt32BE(ssrc >>> 0, at + 4);
  packet[at + 8] = SDES_CNAME;
  packet[at + 9] = name.length;
  name.copy(packet, at + 10);
  return packet;
}

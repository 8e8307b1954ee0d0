import { describe, expect, it } from 'vitest';
import {
  RtcpPacketConverter,
  RtcpReceiverInfo,
  RtcpRrPacket,
  RtcpSenderInfo,
  RtcpSourceDescriptionPacket,
  RtcpSrPacket,
  SourceDescriptionChunk,
  SourceDescriptionItem,
} from 'werift-rtp';
import { writeRtcpReport, type ReportBlock } from '../src/rtp/rtcp-write.js';
import { ntpTimestamp } from '../src/rtp/ntp-time.js';

const block: ReportBlock = { ssrc: 0xdeadbeef, fractionLost: 25, packetsLost: 1234, highestSequence: 0x1_0005, jitter: 77, lsr: 0x12345678, dlsr: 0x9abc };
const sender = { ntpTimestamp: ntpTimestamp(1_764_480_000_123), rtpTimestamp: 0xfffffff0, packetCount: 500, octetCount: 80_000 };
const cname = 'callhook-0123456789abcdef';

/** What werift-rtp's packet classes write for the same report (the line sent these before). */
function werift(ssrc: number, withSender: boolean, blocks: ReportBlock[], name: string): Buffer {
  const reports = blocks.map((b) => new RtcpReceiverInfo(b));
  const report = withSender ? new RtcpSrPacket({ ssrc, senderInfo: new RtcpSenderInfo({ ...sender }), reports }) : new RtcpRrPacket({ ssrc, reports });
  const sdes = new RtcpSourceDescriptionPacket({
    chunks: [new SourceDescriptionChunk({ source: ssrc, items: [new SourceDescriptionItem({ type: 1, text: name })] })],
  });
  return Buffer.concat([report.serialize(), sdes.serialize()]);
}

describe('writeRtcpReport (RFC 3550 §6.4, §6.5)', () => {
  it('writes the bytes werift-rtp wrote for SR and RR, with and without a report block', () => {
    for (const withSender of [true, false])
      for (const blocks of [[], [block], [block, { ...block, ssrc: 7 }]]) {
        const ours = writeRtcpReport(0x01020304, withSender ? sender : undefined, blocks, cname);
        expect(ours.toString('hex'), `${withSender ? 'SR' : 'RR'} with ${blocks.length} blocks`).toBe(
          werift(0x01020304, withSender, blocks, cname).toString('hex'),
        );
      }
  });

  it('is read back by werift-rtp as the same report', () => {
    const [sr, sdes] = RtcpPacketConverter.deSerialize(writeRtcpReport(42, sender, [block], cname));
    expect(sr).toBeInstanceOf(RtcpSrPacket);
    expect((sr as RtcpSrPacket).senderInfo).toMatchObject({ ntpTimestamp: sender.ntpTimestamp, packetCount: 500, octetCount: 80_000 });
    expect({ ...(sr as RtcpSrPacket).reports[0] }).toEqual(block);
    expect((sdes as RtcpSourceDescriptionPacket).chunks[0]!.items[0]!.text).toBe(cname);
  });

  it('writes a negative cumulative loss as signed 24-bit and always ends the SDES items with a null octet', () => {
    const packet = writeRtcpReport(1, undefined, [{ ...block, packetsLost: -2 }], 'abcdefghij');
    expect(packet.subarray(13, 16).toString('hex')).toBe('fffffe');
    // A chunk of 4 + 2 + 10 bytes is 32-bit aligned already: four null octets follow it (§6.5), werift wrote none.
    const sdes = packet.subarray(32);
    expect(sdes.length).toBe(4 + 16 + 4);
    expect(sdes.readUInt16BE(2)).toBe(sdes.length / 4 - 1);
    expect(sdes.subarray(-4).toString('hex')).toBe('00000000');
  });

  it('refuses what does not fit', () => {
    expect(() =>
      writeRtcpReport(
        1,
        undefined,
        Array.from({ length: 32 }, () => block),
        cname,
      ),
    ).toThrow(/31 report blocks/);
    expect(() => writeRtcpReport(1, undefined, [], 'x'.repeat(256))).toThrow(/255 bytes/);
  });
});

import type { Clock, Logger, Random, TimerHandle } from '@callhook/core';
import { RtcpPacketConverter, RtcpRrPacket, RtcpSrPacket, type RtcpReceiverInfo } from 'werift-rtp';
import type { ReceiveStats } from '../media/receive-stats.js';
import { randomInteger } from '../random-draws.js';
import { ntpMiddle, ntpTimestamp } from './ntp-time.js';
import { writeRtcpReport, type ReportBlock } from './rtcp-write.js';

/** RFC 3550 §6.2: minimum report interval 5 s, each interval drawn from 0.5–1.5 times it (§6.3.1). */
const INTERVAL_MS = 5_000;
/** SDES item type CNAME (RFC 3550 §6.5.1). */

/** What the sender side reports in an SR (RFC 3550 §6.4.1). */
export interface SenderCounts {
  packets: number;
  octets: number;
  /** The RTP timestamp that corresponds to "now". */
  rtpTimestamp: number;
}

export interface RtcpSessionDeps {
  clock: Clock;
  random: Random;
  logger: Logger;
  ssrc: number;
  cname: string;
  stats: ReceiveStats;
  /** Counts of what we sent, or undefined while we are not sending (then an RR goes out). */
  sent: () => SenderCounts | undefined;
  /** Puts a compound RTCP packet on the wire (RTCP port, or the RTP port with rtcp-mux). */
  transmit: (packet: Buffer) => void;
}

/**
 * RTCP of one call (RFC 3550 §6): a compound SR (while we send) or RR, each with a report block about
 * the peer's stream and an SDES CNAME, every 5 s ± 50 %; reads the peer's SR and RR to measure the
 * round-trip time (§6.4.1: RTT = arrival − LSR − DLSR) and the loss the peer sees of our stream.
 * Packets are built and parsed by werift-rtp. Bad packets are counted and dropped. Never throws.
 */
export class RtcpSession {
  /** Last measured round-trip time in ms. */
  rttMs: number | undefined;
  /** Fraction (0–1) of our packets the peer reported lost in its last report. */
  remoteFractionLost: number | undefined;
  /** Reports sent and compound packets received, and those that could not be read. */
  sentReports = 0;
  receivedReports = 0;
  badPackets = 0;
  private lastSrMiddle = 0;
  private lastSrArrival = 0;
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(private readonly deps: RtcpSessionDeps) {}

  /** Starts the report timer (idempotent). */
  start(): void {
    if (this.timer !== null || this.stopped) return;
    this.timer = this.deps.clock.setTimeout(() => this.fire(), randomInteger(this.deps.random, INTERVAL_MS / 2, (INTERVAL_MS * 3) / 2));
  }

  /** Sends a last report (RFC 3550 §6.3.7 would send BYE; a final RR/SR is enough for quality) and stops. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Reads one compound RTCP packet from the peer. */
  receive(data: Buffer): void {
    let packets;
    try {
      if (data.length < 8 || data[0]! >> 6 !== 2) throw new Error('not RTCP version 2');
      packets = RtcpPacketConverter.deSerialize(data);
    } catch (error) {
      this.badPackets++;
      this.deps.logger.log('debug', 'rtcp packet dropped', { error: (error as Error).message, bytes: data.length });
      return;
    }
    this.receivedReports++;
    const now = this.deps.clock.now();
    for (const packet of packets) {
      if (packet instanceof RtcpSrPacket) {
        this.lastSrMiddle = ntpMiddle(packet.senderInfo.ntpTimestamp);
        this.lastSrArrival = now;
      }
      if (packet instanceof RtcpSrPacket || packet instanceof RtcpRrPacket) {
        for (const block of packet.reports) if (block.ssrc === this.deps.ssrc) this.readBlock(block, now);
      }
    }
  }

  /** Builds and sends one compound report now. */
  sendReport(): void {
    const { ssrc, stats, clock } = this.deps;
    const now = clock.now();
    const blocks: ReportBlock[] = [];
    if (stats.ssrc !== undefined) {
      blocks.push({
        ssrc: stats.ssrc,
        fractionLost: stats.takeFractionLost(),
        packetsLost: stats.lost,
        highestSequence: stats.extendedMax >>> 0,
        jitter: stats.jitter >>> 0,
        lsr: this.lastSrMiddle,
        // DLSR in 1/65536 s since that SR arrived (0 when none has).
        dlsr: this.lastSrMiddle === 0 ? 0 : Math.floor(((now - this.lastSrArrival) / 1000) * 65536) >>> 0,
      });
    }
    const counts = this.deps.sent();
    const sender = counts && { ntpTimestamp: ntpTimestamp(now), rtpTimestamp: counts.rtpTimestamp, packetCount: counts.packets, octetCount: counts.octets };
    this.deps.transmit(writeRtcpReport(ssrc, sender, blocks, this.deps.cname));
    this.sentReports++;
  }

  private readBlock(block: RtcpReceiverInfo, now: number): void {
    this.remoteFractionLost = block.fractionLost / 256;
    if (block.lsr === 0) return;
    const arrival = ntpMiddle(ntpTimestamp(now));
    const rtt = (arrival - block.lsr - block.dlsr) >>> 0;
    // A negative result wraps to a huge value: clock steps or a peer's bad DLSR; ignore it.
    if (rtt < 0x80000000) this.rttMs = Math.round((rtt / 65536) * 1000 * 10) / 10;
  }

  private fire(): void {
    this.timer = null;
    if (this.stopped) return;
    try {
      this.sendReport();
    } catch (error) {
      this.deps.logger.log('warn', 'rtcp report failed', { error: (error as Error).message });
    }
    this.start();
  }
}

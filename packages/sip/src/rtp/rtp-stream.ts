import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Clock, Logger, TimerHandle } from '@callhook/core';
import { dtmfSlots, type EventSlot } from './dtmf-schedule.js';
import { rtpPacket, silenceFrame } from './rtp-packet.js';

export interface RtpPlan {
  address: string;
  port: number;
  codec: { payloadType: number; name: 'PCMU' | 'PCMA' };
  eventPayloadType: number | undefined;
  sending: boolean;
}

const FRAME_MS = 20;
const SAMPLES_PER_FRAME = 160;

/**
 * One call's media: a steady 20 ms stream of G.711 silence (so a PBX's RTP timeout does not drop an
 * answered call), RFC 4733 DTMF in that stream, and incoming packets counted and discarded.
 */
export class RtpStream {
  sentPackets = 0;
  receivedPackets = 0;
  private plan: RtpPlan | undefined;
  private timer: TimerHandle | null = null;
  private sequence = randomInt(0, 0xffff);
  private timestamp = randomInt(0, 0x7fffffff);
  private readonly ssrc = randomInt(1, 0x7fffffff);
  private queue: (EventSlot | 'gap')[] = [];
  private eventTimestamp = 0;
  private startedAt = 0;
  private frames = 0;
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    socket.on('message', () => this.receivedPackets++);
    socket.on('error', (error) => logger.log('debug', 'rtp socket error', { error: error.message }));
  }

  static async open(address: string, clock: Clock, logger: Logger): Promise<RtpStream> {
    const socket = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4', ipv6Only: isIPv6(address) });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new RtpStream(socket, socket.address().port, clock, logger);
  }

  /** Applies the negotiated media; starts or stops the packet clock accordingly. */
  configure(plan: RtpPlan): void {
    if (this.closed) return;
    this.plan = plan;
    if (plan.sending && this.timer === null) {
      this.startedAt = this.clock.now();
      this.frames = 0;
      this.schedule();
    } else if (!plan.sending) {
      this.cancelTimer();
    }
  }

  /** Queues RFC 4733 events; false when the peer did not negotiate telephone-event or we do not send. */
  sendDigits(digits: string): boolean {
    if (!this.plan?.sending || this.plan.eventPayloadType === undefined) return false;
    this.queue.push(...dtmfSlots(digits));
    return true;
  }

  close(): void {
    this.closed = true;
    this.cancelTimer();
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }

  private schedule(): void {
    this.frames++;
    const due = this.startedAt + this.frames * FRAME_MS - this.clock.now();
    this.timer = this.clock.setTimeout(() => this.tick(), Math.max(0, due));
  }

  private tick(): void {
    this.timer = null;
    const plan = this.plan;
    if (this.closed || !plan?.sending) return;
    // After a stall (e.g. a paused process) restart the schedule instead of bursting to catch up.
    if (this.clock.now() - (this.startedAt + this.frames * FRAME_MS) > 10 * FRAME_MS) {
      this.startedAt = this.clock.now();
      this.frames = 0;
    }
    this.sendFrame(plan);
    this.schedule();
  }

  private sendFrame(plan: RtpPlan): void {
    const slot = this.queue.shift();
    let packet: Buffer;
    if (slot && slot !== 'gap' && plan.eventPayloadType !== undefined) {
      if (slot.first) this.eventTimestamp = this.timestamp;
      packet = rtpPacket({ marker: slot.first, payloadType: plan.eventPayloadType, sequence: this.sequence++, timestamp: this.eventTimestamp, ssrc: this.ssrc }, slot.payload);
      if (slot.finishedDuration !== undefined) this.timestamp = this.eventTimestamp + slot.finishedDuration;
    } else {
      packet = rtpPacket({ marker: false, payloadType: plan.codec.payloadType, sequence: this.sequence++, timestamp: this.timestamp, ssrc: this.ssrc }, silenceFrame(plan.codec.name));
      this.timestamp += SAMPLES_PER_FRAME;
    }
    this.sentPackets++;
    this.socket.send(packet, plan.port, plan.address, (error) => {
      if (error) this.logger.log('debug', 'rtp send failed', { error: error.message });
    });
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}

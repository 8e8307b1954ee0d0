import { createSocket, type Socket } from 'node:dgram';
import { isIP, isIPv6 } from 'node:net';
import type { Clock, Logger, Random, TimerHandle } from '@callhook/core';
import { cryptoRandom } from '@callhook/node';
import { randomInteger } from '../random-draws.js';
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
/** Consecutive ICMP port-unreachable reports (ECONNREFUSED) after which the peer counts as gone. */
const UNREACHABLE_AFTER = 3;

/** Whether `plan` names a destination a datagram can go to: a unicast IP and a port 1–65535. */
export function isSendableDestination(address: string, port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535 && isIP(address) !== 0 && address !== '0.0.0.0' && address !== '::';
}

/**
 * One call's media: a steady 20 ms stream of G.711 silence (so a PBX's RTP timeout does not drop an
 * answered call), RFC 4733 DTMF in that stream, and incoming packets counted and discarded.
 *
 * Nothing is sent before `confirm()` (the dialog is confirmed by the ACK, RFC 3261 §13.3.1.4), so an
 * INVITE naming a third party's address cannot turn the line into a reflector. The socket is connected
 * to the peer while sending, so ICMP port unreachable comes back as ECONNREFUSED: after
 * `UNREACHABLE_AFTER` in a row the stream stops sending and sets `unreachable`. This assumes symmetric
 * RTP (RFC 4961): packets from other sources than the negotiated address are not received.
 * No socket or timer callback throws; failures are logged.
 */
export class RtpStream {
  sentPackets = 0;
  receivedPackets = 0;
  /** Clock time (ms) of the last RTP packet received, or undefined before the first. */
  lastReceivedAt: number | undefined;
  /** Set once the peer's port answered with ICMP port unreachable repeatedly; sending has stopped. */
  unreachable = false;
  private confirmed = false;
  private refusals = 0;
  private connectedTo: string | undefined;
  private connecting = false;
  private plan: RtpPlan | undefined;
  private timer: TimerHandle | null = null;
  private sequence: number;
  private timestamp: number;
  private readonly ssrc: number;
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
    random: Random,
  ) {
    // RFC 3550 §5.1: random initial sequence number and timestamp, random SSRC.
    this.sequence = randomInteger(random, 0, 0x10000);
    this.timestamp = randomInteger(random, 0, 2 ** 32);
    this.ssrc = randomInteger(random, 1, 2 ** 32);
    socket.on('message', () => {
      this.receivedPackets++;
      this.lastReceivedAt = this.clock.now();
      this.refusals = 0;
    });
    socket.on('error', (error) => this.socketError(error));
  }

  static async open(address: string, clock: Clock, logger: Logger, random: Random = cryptoRandom): Promise<RtpStream> {
    const socket = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4', ipv6Only: isIPv6(address) });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new RtpStream(socket, socket.address().port, clock, logger, random);
  }

  /** Whether the dialog has been confirmed and the packet clock may run. */
  get isConfirmed(): boolean {
    return this.confirmed;
  }

  /**
   * Applies the negotiated media; starts or stops the packet clock accordingly. A destination that is
   * not a unicast IP with a port 1–65535 is logged and never sent to.
   */
  configure(plan: RtpPlan): void {
    if (this.closed) return;
    if (plan.sending && !isSendableDestination(plan.address, plan.port)) {
      this.logger.log('warn', 'rtp destination unusable: not sending', { address: plan.address, port: plan.port });
      plan = { ...plan, sending: false };
    }
    this.plan = plan;
    this.update();
  }

  /** The dialog is confirmed (ACK received or sent): media may flow from now on. Idempotent. */
  confirm(): void {
    if (this.closed || this.confirmed) return;
    this.confirmed = true;
    this.update();
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

  private update(): void {
    const plan = this.plan;
    const run = Boolean(plan?.sending) && this.confirmed && !this.unreachable;
    if (run && plan) this.connect(plan);
    if (run && this.timer === null) {
      this.startedAt = this.clock.now();
      this.frames = 0;
      this.schedule();
    } else if (!run) {
      this.cancelTimer();
    }
  }

  /** Connects the socket to the peer so the kernel reports ICMP errors for it (reconnects on change). */
  private connect(plan: RtpPlan): void {
    const key = `${plan.address}|${plan.port}`;
    if (this.connectedTo === key) return;
    try {
      if (this.connectedTo !== undefined) this.socket.disconnect();
      this.connectedTo = key;
      this.connecting = true;
      this.refusals = 0;
      this.socket.connect(plan.port, plan.address, () => {
        if (this.connectedTo === key) this.connecting = false;
      });
    } catch (error) {
      this.logger.log('warn', 'rtp connect failed: not sending', { error: (error as Error).message });
      this.connectedTo = undefined;
      this.stopSending();
    }
  }

  private socketError(error: Error): void {
    if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') this.refused();
    else this.logger.log('debug', 'rtp socket error', { error: error.message });
  }

  /** The kernel relayed ICMP port unreachable for our peer. */
  private refused(): void {
    if (this.unreachable || this.closed) return;
    this.refusals++;
    if (this.refusals < UNREACHABLE_AFTER) return;
    this.unreachable = true;
    this.logger.log('warn', 'rtp peer unreachable (ICMP port unreachable): stopped sending', { peer: this.connectedTo, sentPackets: this.sentPackets });
    this.stopSending();
  }

  private stopSending(): void {
    this.cancelTimer();
    if (this.plan) this.plan = { ...this.plan, sending: false };
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
    try {
      if (!this.connecting) this.sendFrame(plan);
    } catch (error) {
      this.logger.log('warn', 'rtp send failed: not sending', { error: (error as Error).message });
      this.stopSending();
      return;
    }
    if (this.timer === null && this.plan?.sending) this.schedule();
  }

  private sendFrame(plan: RtpPlan): void {
    const slot = this.queue.shift();
    let packet: Buffer;
    if (slot && slot !== 'gap' && plan.eventPayloadType !== undefined) {
      if (slot.first) this.eventTimestamp = this.timestamp;
      packet = rtpPacket(
        { marker: slot.first, payloadType: plan.eventPayloadType, sequence: this.sequence++, timestamp: this.eventTimestamp, ssrc: this.ssrc },
        slot.payload,
      );
      if (slot.finishedDuration !== undefined) this.timestamp = this.eventTimestamp + slot.finishedDuration;
    } else {
      packet = rtpPacket(
        { marker: false, payloadType: plan.codec.payloadType, sequence: this.sequence++, timestamp: this.timestamp, ssrc: this.ssrc },
        silenceFrame(plan.codec.name),
      );
      this.timestamp += SAMPLES_PER_FRAME;
    }
    this.sentPackets++;
    this.socket.send(packet, (error) => {
      if (!error) return;
      if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') this.refused();
      else this.logger.log('debug', 'rtp send failed', { error: error.message });
    });
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}

import type { Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Clock, Logger, Random, TimerHandle } from '@callhook/core';
import { cryptoRandom } from '@callhook/node';
import { randomHex, randomInteger } from '../random-draws.js';
import { CallAudio } from '../media/call-audio.js';
import { audioRateOf, FRAME_MS, PCM_RATE, type CodecName, type VoiceCodec } from '../media/codec.js';
import { createCodec } from '../media/codecs.js';
import { ReceiveStats } from '../media/receive-stats.js';
import { dtmfSlots, EVENT_CLOCK_RATE, type EventSlot } from './dtmf-schedule.js';
import { rtpPacket } from './rtp-packet.js';
import { isRtcpPacket, parseRtp } from './rtp-parse.js';
import { RtcpSession } from './rtcp-session.js';
import { bindSocketPair, type SocketPair } from './socket-pair.js';
import type { RtpSocketPool } from './socket-pool.js';
import type { SrtpSuite } from '../srtp/crypto-attribute.js';
import type { SrtpTransform } from '../srtp/srtp-transform.js';

/** Where RTCP goes: the peer's RTCP address and port, or the RTP socket itself (rtcp-mux, RFC 5761). */
export type RtcpTarget = { address: string; port: number } | 'mux';

/** The negotiated media of a call, from our side (see `PlainSessionDescriptionHandler`). */
export interface RtpPlan {
  address: string;
  port: number;
  /** The codec we send with and its payload type. */
  codec: { payloadType: number; name: CodecName };
  /** Codecs the peer may send us, by payload type (those of the answer, RFC 3264 §6.1). */
  receive: ReadonlyMap<number, CodecName>;
  eventPayloadType: number | undefined;
  /** Packetization of what we send, in ms (a multiple of 20: 20, 40 or 60; RFC 4566 §6 a=ptime). */
  ptimeMs: number;
  sending: boolean;
  rtcp: RtcpTarget | undefined;
  /** SRTP/SRTCP for every packet both ways (RFC 3711), keyed by SDES; undefined for plain RTP. */
  srtp?: SrtpTransform | undefined;
}

/** A tick later than this (ms) counts as late (`lateTicks`). */
const LATE_TICK_MS = 5;
/** Lateness (in frames, 1 s) up to which a late media clock sends every missed frame at once. */
const MAX_BURST_FRAMES = 50;
/** Frames a stalled media clock replays through the audio path at most (10 s). */
const MAX_CATCH_UP_FRAMES = 500;
/** Consecutive ICMP port-unreachable reports (ECONNREFUSED) after which the peer counts as gone. */
const UNREACHABLE_AFTER = 3;

/** Whether `plan` names a destination a datagram can go to: a unicast IP and a port 1–65535. */
export function isSendableDestination(address: string, port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535 && isIP(address) !== 0 && address !== '0.0.0.0' && address !== '::';
}

/** Quality figures of one call's media. */
export interface MediaCounters {
  sentPackets: number;
  receivedPackets: number;
  /** Cumulative packets lost of the peer's stream (RFC 3550 §6.4.1). */
  packetsLost: number;
  /** Packets the peer's stream should have had so far. */
  packetsExpected: number;
  /** Interarrival jitter of the peer's stream in ms (RFC 3550 §A.8). */
  jitterMs: number;
  /** Round-trip time by RTCP (RFC 3550 §6.4.1), or undefined before the peer's first report on our SR. */
  rttMs: number | undefined;
  /** Media clock ticks that ran more than 5 ms behind their 20 ms schedule (a loaded process). */
  lateTicks: number;
  /** Current jitter buffer delay in ms. */
  bufferMs: number;
  /** Concealed and late frames of the jitter buffer. */
  concealedFrames: number;
  lateFrames: number;
  /** Voice codec of the call, or undefined before negotiation. */
  codec: CodecName | undefined;
  /** The call's audio rate in Hz (8000 or 16000; `CallAudio.sampleRate`). */
  audioRate: number;
  /** The SRTP suite protecting the media (RFC 4568 §6.2), or `none` for plain RTP. */
  encryption: SrtpSuite | 'none';
  /** SRTP/SRTCP packets dropped: failed authentication (e.g. tampered), replayed or malformed (RFC 3711 §3.3). */
  srtpDropped: number;
}

/**
 * One call's media. A media clock ticks every 20 ms from the dialog's confirmation: each tick plays out
 * one received frame through `audio` (jitter buffer, concealment, recording, listeners) and — while we
 * send — encodes the frame `audio` picks (host audio, hold music, prompt, or silence, so a PBX's RTP
 * timeout never drops an answered call) into RTP, with RFC 4733 DTMF in that stream. Received RTP is
 * decoded by the negotiated payload type; RTCP SR/RR (RFC 3550 §6) runs on the next port or rtcp-mux.
 *
 * Nothing is sent before `confirm()` (the dialog is confirmed by the ACK, RFC 3261 §13.3.1.4), so an
 * INVITE naming a third party's address cannot turn the line into a reflector. The socket is connected
 * to the peer while sending, so ICMP port unreachable comes back as ECONNREFUSED: after
 * `UNREACHABLE_AFTER` in a row the stream stops sending and sets `unreachable`. This assumes symmetric
 * RTP (RFC 4961): packets from other sources than the negotiated address are not received.
 * No socket or timer callback throws; failures and bad packets are logged and dropped.
 */
export class RtpStream {
  sentPackets = 0;
  sentOctets = 0;
  receivedPackets = 0;
  /** Media clock ticks more than `LATE_TICK_MS` behind schedule. */
  lateTicks = 0;
  /** Packets that could not be read or decoded, or had a payload type not negotiated. */
  badPackets = 0;
  /** SRTP/SRTCP packets that failed authentication or were replayed or malformed, dropped (RFC 3711 §3.3). */
  srtpDropped = 0;
  /** Clock time (ms) of the last RTP packet received, or undefined before the first. */
  lastReceivedAt: number | undefined;
  /** Set once the peer's port answered with ICMP port unreachable repeatedly; sending has stopped. */
  unreachable = false;
  /** Statistics of the peer's stream, in RTP clock units of the codec it sends (set per packet: 8000 for G.711 and G.722, 48000 for Opus). */
  readonly stats = new ReceiveStats(PCM_RATE);
  readonly rtcp: RtcpSession;
  private confirmed = false;
  private clockStarted = false;
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
  private encoder: VoiceCodec | undefined;
  private readonly decoders = new Map<CodecName, VoiceCodec>();
  private pending: Int16Array[] = [];
  private pendingTimestamp = 0;
  private remoteSsrc: number | undefined;
  private remoteBase = 0;
  private warned = new Set<string>();

  private readonly socket: Socket;
  private readonly rtcpSocket: Socket | undefined;

  private constructor(
    private readonly pair: SocketPair,
    readonly port: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
    random: Random,
    readonly audio: CallAudio,
    private readonly pool: RtpSocketPool | undefined,
  ) {
    const socket = (this.socket = pair.rtp);
    const rtcpSocket = (this.rtcpSocket = pair.rtcp);
    // RFC 3550 §5.1: random initial sequence number and timestamp, random SSRC.
    this.sequence = randomInteger(random, 0, 0x10000);
    this.timestamp = randomInteger(random, 0, 2 ** 32);
    this.ssrc = randomInteger(random, 1, 2 ** 32);
    this.rtcp = new RtcpSession({
      clock,
      random,
      logger,
      ssrc: this.ssrc,
      cname: `callhook-${randomHex(random, 8)}`,
      stats: this.stats,
      sent: () =>
        this.plan?.sending && this.sentPackets > 0 ? { packets: this.sentPackets, octets: this.sentOctets, rtpTimestamp: this.timestamp } : undefined,
      transmit: (packet) => this.transmitRtcp(packet),
    });
    socket.on('message', (data) => this.onPacket(data));
    socket.on('error', (error) => this.socketError(error));
    rtcpSocket?.on('message', (data) => this.onRtcpPacket(data));
    rtcpSocket?.on('error', (error) => this.logger.log('debug', 'rtcp socket error', { error: error.message }));
  }

  /**
   * Binds RTP (and RTCP on the next port) on `address`, or takes a resting pair from `sockets` (the line's
   * pool, bound on that address; `close()` then gives the pair back instead of closing it); rejects with
   * the bind error (e.g. EMFILE).
   */
  static async open(
    address: string,
    clock: Clock,
    logger: Logger,
    random: Random = cryptoRandom,
    audio?: CallAudio,
    sockets?: RtpSocketPool,
  ): Promise<RtpStream> {
    const pair = sockets ? await sockets.take() : await bindSocketPair(address);
    return new RtpStream(pair, pair.rtp.address().port, clock, logger, random, audio ?? new CallAudio(logger), sockets);
  }

  /** Whether the dialog has been confirmed and the media clock may run. */
  get isConfirmed(): boolean {
    return this.confirmed;
  }

  /** Port of the RTCP socket, when one was bound (RTP port + 1). */
  get rtcpPort(): number | undefined {
    return this.rtcpSocket ? this.port + 1 : undefined;
  }

  /** Quality figures for the snapshot, the API and the MOS estimate. */
  counters(): MediaCounters {
    return {
      sentPackets: this.sentPackets,
      receivedPackets: this.receivedPackets,
      packetsLost: Math.max(0, this.stats.lost),
      packetsExpected: this.stats.expected,
      jitterMs: Math.round(this.stats.jitterMs * 10) / 10,
      rttMs: this.rtcp.rttMs,
      lateTicks: this.lateTicks,
      bufferMs: this.audio.jitter.targetFrames * FRAME_MS,
      concealedFrames: this.audio.jitter.concealed,
      lateFrames: this.audio.jitter.late,
      codec: this.plan?.codec.name,
      audioRate: this.audio.sampleRate,
      encryption: this.plan?.srtp?.suite ?? 'none',
      srtpDropped: this.srtpDropped,
    };
  }

  /**
   * Applies the negotiated media (first answer or a re-INVITE); starts or stops sending accordingly.
   * A destination that is not a unicast IP with a port 1–65535 is logged and never sent to.
   */
  configure(plan: RtpPlan): void {
    if (this.closed) return;
    if (plan.sending && !isSendableDestination(plan.address, plan.port)) {
      this.logger.log('warn', 'rtp destination unusable: not sending', { address: plan.address, port: plan.port });
      plan = { ...plan, sending: false };
    }
    // The call's audio rate is its first agreed codec's; every codec of the call runs at it (a codec of
    // another rate through the halfband converter), so the jitter buffer, prompts and recording keep one rate.
    if (!this.audio.rateFixed) this.audio.fixRate(audioRateOf(plan.codec.name));
    if (this.encoder?.name !== plan.codec.name) {
      this.encoder?.close();
      this.encoder = this.codecFor(plan.codec.name);
      this.pending = [];
    }
    // Decoders are made now, before the answer goes out, not on the first packet: an Opus instance
    // compiles WebAssembly and would stall the media clock in mid-call.
    for (const name of new Set(plan.receive.values())) if (!this.decoders.has(name)) this.decoders.set(name, this.codecFor(name));
    this.plan = plan;
    this.update();
  }

  /** The dialog is confirmed (ACK received or sent): media may flow from now on. Idempotent. */
  confirm(): void {
    if (this.closed || this.confirmed) return;
    this.confirmed = true;
    this.clockStarted = true;
    this.update();
  }

  /**
   * The call is answered (our 2xx sent, or theirs received): the media clock starts, so playout and the
   * recording cover the whole answered call; packets still wait for `confirm()`. Idempotent.
   */
  startClock(): void {
    if (this.closed || this.clockStarted) return;
    this.clockStarted = true;
    this.update();
  }

  /** Queues RFC 4733 events; false when the peer did not negotiate telephone-event or we do not send. */
  sendDigits(digits: string): boolean {
    if (!this.plan?.sending || this.plan.eventPayloadType === undefined) return false;
    this.queue.push(...dtmfSlots(digits));
    return true;
  }

  close(): void {
    if (this.closed) return;
    // Frames the clock owes at this moment still go to the audio path, so a recording ends now.
    if (this.timer !== null) {
      const owed = Math.min(MAX_CATCH_UP_FRAMES, Math.floor((this.clock.now() - (this.startedAt + (this.frames - 1) * FRAME_MS)) / FRAME_MS));
      for (let i = 0; i < owed; i++) this.safely('call audio failed', () => this.audio.tick());
    }
    if (this.confirmed && this.plan?.rtcp) this.safely('rtcp report failed', () => this.rtcp.sendReport());
    this.closed = true;
    this.cancelTimer();
    this.rtcp.stop();
    this.audio.close();
    this.encoder?.close();
    for (const decoder of this.decoders.values()) decoder.close();
    if (this.pool) return this.pool.give(this.pair, this.connectedTo === undefined ? 'unconnected' : this.connecting ? 'connecting' : 'connected');
    for (const socket of [this.socket, this.rtcpSocket]) {
      try {
        socket?.close();
      } catch {
        // already closed
      }
    }
  }

  private codecFor(name: CodecName): VoiceCodec {
    return createCodec(name, this.audio.sampleRate);
  }

  private update(): void {
    const plan = this.plan;
    if (plan?.sending && this.confirmed && !this.unreachable) this.connect(plan);
    // The media clock runs from the answer to close, sending or not: it plays out and records.
    if (this.clockStarted && plan && this.timer === null) {
      this.startedAt = this.clock.now();
      this.frames = 0;
      this.schedule();
    }
    if (this.confirmed && plan?.rtcp) this.rtcp.start();
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

  /**
   * A packet on the RTP socket. With SRTP it must authenticate first (RFC 3711 §3.3): one that does not
   * (tampered, replayed, another key, plain RTP) is dropped and counted in `srtpDropped`, and neither
   * counts as received nor keeps a dead call alive.
   */
  private onPacket(received: Buffer): void {
    const data = this.unprotect(received);
    if (!data) return;
    this.receivedPackets++;
    this.lastReceivedAt = this.clock.now();
    this.refusals = 0;
    if (this.closed) return;
    if (isRtcpPacket(data)) {
      if (this.plan?.rtcp === 'mux') this.rtcp.receive(data);
      return;
    }
    try {
      this.receiveRtp(data);
    } catch (error) {
      this.badPackets++;
      this.warnOnce('bad', 'rtp packet dropped', { error: (error as Error).message, bytes: data.length });
    }
  }

  private onRtcpPacket(received: Buffer): void {
    const data = this.unprotect(received);
    if (data) this.rtcp.receive(data);
  }

  /** The plain packet of a received one: itself without SRTP, else the unprotected SRTP/SRTCP packet or undefined (dropped). */
  private unprotect(data: Buffer): Buffer | undefined {
    const srtp = this.plan?.srtp;
    if (!srtp || this.closed) return data;
    const plain = isRtcpPacket(data) ? srtp.unprotectRtcp(data) : srtp.unprotectRtp(data);
    if (plain) return plain;
    this.srtpDropped++;
    this.warnOnce('srtp', 'srtp packet dropped: authentication failed, replayed or malformed', { bytes: data.length, dropped: this.srtpDropped });
    return undefined;
  }

  private receiveRtp(data: Buffer): void {
    const packet = parseRtp(data);
    const plan = this.plan;
    if (!plan) return;
    if (packet.payloadType === plan.eventPayloadType) return; // RFC 4733 events from the peer: not audio
    const name = plan.receive.get(packet.payloadType);
    if (name === undefined) {
      this.badPackets++;
      this.warnOnce(`pt${packet.payloadType}`, 'rtp payload type not negotiated: dropped', { payloadType: packet.payloadType });
      return;
    }
    const decoder = this.decoders.get(name) ?? this.decoders.set(name, this.codecFor(name)).get(name)!;
    this.stats.setClockRate(decoder.clockRate);
    this.stats.receive(packet.ssrc, packet.sequence, packet.timestamp, this.clock.now());
    if (packet.ssrc !== this.remoteSsrc) {
      this.remoteSsrc = packet.ssrc;
      this.remoteBase = packet.timestamp;
    }
    const pcm = decoder.decode(packet.payload);
    // Frame number from the timestamp relative to the source's first packet (signed 32-bit: wraps are fine).
    const ticksPerFrame = (decoder.clockRate * FRAME_MS) / 1000;
    const first = Math.round(((packet.timestamp - this.remoteBase) | 0) / ticksPerFrame);
    const samples = this.audio.frameSamples;
    for (let offset = 0, index = first; offset + samples <= pcm.length; offset += samples, index++) {
      this.audio.receive(index, pcm.slice(offset, offset + samples));
    }
    if (pcm.length % samples !== 0) this.warnOnce('ptime', 'rtp packet not a multiple of 20 ms: its tail is dropped', { samples: pcm.length });
    this.audio.jitter.observeJitter(this.stats.jitterMs);
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
    if (this.closed || !plan) return;
    // A late timer is caught up by the schedule itself (the next ticks are due at once), so a short
    // stall of a loaded machine sends every frame (the peer's jitter buffer absorbs the burst). After a
    // long stall (e.g. a paused process) the schedule restarts instead of bursting; the missed frames
    // still go through the audio path (unsent) so a recording keeps the call's real length.
    const behind = this.clock.now() - (this.startedAt + this.frames * FRAME_MS);
    if (behind > LATE_TICK_MS) this.lateTicks++;
    if (behind > MAX_BURST_FRAMES * FRAME_MS) {
      const owed = Math.floor(behind / FRAME_MS);
      const missed = Math.min(MAX_CATCH_UP_FRAMES, owed);
      for (let i = 0; i < missed; i++) this.safely('call audio failed', () => this.audio.tick());
      // The schedule restarts on the frame grid, not at `now`: restarting at `now` dropped the part of a
      // frame the stall ended in (up to 20 ms per stall), and a starved process's recording came out
      // 110 ms shorter than its call. Past the replay cap it restarts at `now` (the rest is not replayed).
      this.startedAt = owed > missed ? this.clock.now() : this.startedAt + (this.frames + missed) * FRAME_MS;
      this.frames = 0;
    }
    const frame = this.safely('call audio failed', () => this.audio.tick());
    if (plan.sending && this.confirmed && frame) {
      try {
        if (!this.connecting) this.sendFrame(plan, frame);
      } catch (error) {
        this.logger.log('warn', 'rtp send failed: not sending', { error: (error as Error).message });
        this.stopSending();
      }
    }
    if (this.timer === null && !this.closed) this.schedule();
  }

  private sendFrame(plan: RtpPlan, frame: Int16Array): void {
    const encoder = this.encoder!;
    const ticksPerFrame = (encoder.clockRate * FRAME_MS) / 1000;
    const slot = this.queue.shift();
    if (slot && slot !== 'gap' && plan.eventPayloadType !== undefined) {
      // RFC 4733 events replace the voice packets they overlap; their duration is in telephone-event/8000
      // units, and the voice timestamp after them moves on by as much in the codec's clock.
      this.pending = [];
      if (slot.first) this.eventTimestamp = this.timestamp;
      this.transmit(
        rtpPacket(
          { marker: slot.first, payloadType: plan.eventPayloadType, sequence: this.sequence++, timestamp: this.eventTimestamp, ssrc: this.ssrc },
          slot.payload,
        ),
      );
      if (slot.finishedDuration !== undefined) this.timestamp = this.eventTimestamp + (slot.finishedDuration * encoder.clockRate) / EVENT_CLOCK_RATE;
      return;
    }
    if (this.pending.length === 0) this.pendingTimestamp = this.timestamp;
    this.pending.push(frame);
    this.timestamp = (this.timestamp + ticksPerFrame) >>> 0;
    const perPacket = Math.max(1, Math.round(plan.ptimeMs / FRAME_MS));
    if (this.pending.length < perPacket) return;
    const pcm = perPacket === 1 ? frame : concat(this.pending);
    this.pending = [];
    this.transmit(
      rtpPacket(
        { marker: false, payloadType: plan.codec.payloadType, sequence: this.sequence++, timestamp: this.pendingTimestamp, ssrc: this.ssrc },
        encoder.encode(pcm),
      ),
    );
  }

  private transmit(packet: Buffer): void {
    this.sentPackets++;
    this.sentOctets += packet.length - 12;
    const srtp = this.plan?.srtp;
    this.socket.send(srtp ? srtp.protectRtp(packet) : packet, (error) => {
      if (!error) return;
      if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') this.refused();
      else this.logger.log('debug', 'rtp send failed', { error: error.message });
    });
  }

  private transmitRtcp(packet: Buffer): void {
    const target = this.plan?.rtcp;
    if (!target || this.closed) return;
    const srtp = this.plan?.srtp;
    if (srtp) {
      const secured = this.safely('srtcp protect failed', () => srtp.protectRtcp(packet));
      if (!secured) return;
      packet = secured;
    }
    const done = (error: Error | null) => {
      if (error) this.logger.log('debug', 'rtcp send failed', { error: error.message });
    };
    if (target === 'mux') {
      if (this.connectedTo !== undefined && !this.connecting) this.socket.send(packet, done);
    } else if (this.rtcpSocket && isSendableDestination(target.address, target.port) && this.confirmed) {
      this.rtcpSocket.send(packet, target.port, target.address, done);
    }
  }

  private safely<T>(what: string, action: () => T): T | undefined {
    try {
      return action();
    } catch (error) {
      this.logger.log('warn', what, { error: (error as Error).message });
      return undefined;
    }
  }

  private warnOnce(key: string, message: string, fields: Record<string, unknown>): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.logger.log('warn', message, fields);
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}

function concat(frames: Int16Array[]): Int16Array {
  const length = frames[0]?.length ?? 0;
  const out = new Int16Array(frames.length * length);
  frames.forEach((frame, i) => out.set(frame, i * length));
  return out;
}

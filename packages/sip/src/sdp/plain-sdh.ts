import type { Clock, Logger, Random } from '@callhook/core';
import type { BodyAndContentType, SessionDescriptionHandler, SessionDescriptionHandlerOptions } from 'sip.js';
import { RtpStream } from '../rtp/rtp-stream.js';
import type { RtpSocketPool } from '../rtp/socket-pool.js';
import { mirror, offerMeansHold, sends, withLocalHold, type Direction } from './direction.js';
import { answerCodecs, chosenVoiceCodec, DEFAULT_CODECS, offerCodecs, receivableCodecs, telephoneEventType } from './negotiate.js';
import { buildSdp, type AudioCodec } from './sdp-build.js';
import type { CallAudio } from '../media/call-audio.js';
import type { CodecName } from '../media/codec.js';
import { parseRemoteAudio, type RemoteAudio } from './sdp-parse.js';
import { randomInteger } from '../random-draws.js';
import type { CryptoAttribute, SrtpSuite } from '../srtp/crypto-attribute.js';
import { SrtpTransform } from '../srtp/srtp-transform.js';
import { answeredKeys, cryptoLines, DEFAULT_SRTP_SUITES, LocalKeys, offeredKey, type CryptoChoice, type MediaEncryption } from './negotiate-crypto.js';
import type { RtpProfile } from './sdp-parse.js';

/** Options our line passes for re-INVITEs; `hold` puts the call on hold from our side. */
export interface PlainSdhOptions extends SessionDescriptionHandlerOptions {
  hold?: boolean;
}

export interface PlainSdhContext {
  bindAddress: string;
  /** What the SDP says (differs from bindAddress for a wildcard bind). */
  advertisedAddress: string;
  clock: Clock;
  /** Draws the SDP session id (RFC 4566 §5.2) and the RTP stream's SSRC, sequence and timestamp. */
  random: Random;
  logger: Logger;
  /** Called after a remote offer changes whether the peer holds us. */
  onRemoteHold?: (held: boolean) => void;
  /** Voice codecs in preference order (`line.media.codecs`); default PCMU, PCMA. */
  codecs?: readonly CodecName[];
  /** Packetization we send in ms (`line.media.ptime`); default 20. */
  ptimeMs?: number;
  /** The call's audio (prompt, hold music, host port); default: silence only. */
  createAudio?: () => CallAudio;
  /** The line's RTP/RTCP socket pairs, bound on `bindAddress` and reused across calls; default: a pair bound per call. */
  sockets?: RtpSocketPool;
  /** SRTP with SDES keys (`line.media.encryption`, see `MediaEncryption`); default `none`. */
  encryption?: MediaEncryption;
  /** SDES suites offered and accepted, in preference order (`line.media.srtpSuites`); default `DEFAULT_SRTP_SUITES`. */
  srtpSuites?: readonly SrtpSuite[];
  /** The peer's answer to our offer cannot be used (e.g. no SRTP key where it is required): why, before sip.js ends the call. */
  onAnswerRefused?: (why: string) => void;
}

/** Packetizations the media path can send (whole 20 ms frames). */
const PTIMES = [20, 40, 60];

/**
 * sip.js SessionDescriptionHandler for RTP/AVP and SDES-SRTP on RTP/SAVP (RFC 3264 offer/answer, RFC 4568):
 * offers the line's codecs in its preference order with telephone-event and rtcp-mux, answers with the
 * first preferred codec the offer has, applies every new answer or offer (re-INVITE: codec, address,
 * ptime and direction may all change), mirrors hold directions both ways and drives the call's RtpStream.
 * With `encryption` it offers and accepts `a=crypto` keys (see `negotiate-crypto.ts`) and gives the stream
 * an `SrtpTransform`; the keys stay the same across re-INVITEs unless the peer changes its own.
 * No WebRTC involved.
 */
export class PlainSessionDescriptionHandler implements SessionDescriptionHandler {
  localHold = false;
  remoteHold = false;
  private rtp: RtpStream | undefined;
  private opening: Promise<RtpStream> | undefined;
  private remoteOffer: RemoteAudio | undefined;
  private offerOutstanding = false;
  private readonly sessionId: number;
  private version = 0;
  private closed = false;
  private dialogConfirmed = false;
  private readonly keys: LocalKeys;
  /** Our keys in the offer awaiting its answer (empty for a plain offer). */
  private offered: CryptoAttribute[] = [];
  /** What the call's first exchange settled, so re-offers keep it (RFC 3264 §8). */
  private established: { media: 'srtp' | 'plain'; profile: RtpProfile } | undefined;
  private srtp: SrtpTransform | undefined;

  constructor(private readonly context: PlainSdhContext) {
    this.sessionId = randomInteger(context.random, 1, 2 ** 31);
    this.keys = new LocalKeys(context.random);
  }

  private get encryption(): MediaEncryption {
    return this.context.encryption ?? 'none';
  }

  private get suites(): readonly SrtpSuite[] {
    return this.context.srtpSuites ?? DEFAULT_SRTP_SUITES;
  }

  get stream(): RtpStream | undefined {
    return this.rtp;
  }

  async getDescription(options?: PlainSdhOptions): Promise<BodyAndContentType> {
    if (options && typeof options.hold === 'boolean') this.localHold = options.hold;
    const rtp = await this.openStream();
    let direction: Direction;
    let codecs: readonly AudioCodec[];
    let rtcpMux: boolean;
    let profile: RtpProfile;
    let crypto: CryptoAttribute[];
    const offer = this.remoteOffer;
    if (offer) {
      this.remoteOffer = undefined;
      codecs = answerCodecs(offer, this.preference);
      const remoteKey = offeredKey(offer, this.encryption, this.suites);
      const keys = remoteKey && { local: this.keys.key(remoteKey.suite, remoteKey.tag), remote: remoteKey };
      direction = withLocalHold(mirror(offer.direction), this.localHold);
      this.apply(offer, direction, codecs[0]!, keys);
      rtcpMux = offer.rtcpMux;
      profile = offer.profile;
      crypto = keys ? [keys.local] : [];
    } else {
      this.offerOutstanding = true;
      codecs = offerCodecs(this.preference);
      direction = withLocalHold(this.remoteHold ? 'recvonly' : 'sendrecv', this.localHold);
      rtcpMux = true;
      ({ profile, crypto } = this.keys.offer(this.encryption, this.established?.media, this.established?.profile, this.suites));
      this.offered = crypto;
    }
    const body = buildSdp({
      sessionId: this.sessionId,
      version: this.version++,
      address: this.context.advertisedAddress,
      port: rtp.port,
      codecs,
      direction,
      ptimeMs: this.context.ptimeMs ?? 20,
      rtcpMux,
      profile,
      crypto: cryptoLines(crypto),
    });
    return { body, contentType: 'application/sdp' };
  }

  hasDescription(contentType: string): boolean {
    return contentType.toLowerCase() === 'application/sdp';
  }

  async setDescription(sdp: string, options?: PlainSdhOptions): Promise<void> {
    if (options && typeof options.hold === 'boolean') this.localHold = options.hold;
    const remote = parseRemoteAudio(sdp);
    if (this.offerOutstanding) {
      this.offerOutstanding = false;
      let codec: AudioCodec;
      let keys: CryptoChoice | undefined;
      try {
        codec = chosenVoiceCodec(remote, this.preference);
        keys = answeredKeys(remote, this.encryption, this.offered);
      } catch (error) {
        this.context.onAnswerRefused?.((error as Error).message);
        throw error;
      }
      if (!keys && this.encryption !== 'none')
        this.context.logger.log('warn', 'the peer answered without SRTP keys: media is plain RTP', { profile: remote.profile });
      await this.openStream();
      this.apply(remote, mirror(remote.direction), codec, keys);
      return;
    }
    // Rejects an offer we cannot answer before sip.js replies.
    answerCodecs(remote, this.preference);
    offeredKey(remote, this.encryption, this.suites);
    this.remoteOffer = remote;
    const held = offerMeansHold(remote.direction);
    if (held !== this.remoteHold) {
      this.remoteHold = held;
      this.context.onRemoteHold?.(held);
    }
  }

  async rollbackDescription(): Promise<void> {
    this.remoteOffer = undefined;
    this.offerOutstanding = false;
  }

  /** Opens the RTP socket now (before a 2xx is promised); rejects with the bind error (e.g. EMFILE). */
  async prepare(): Promise<void> {
    await this.openStream();
  }

  /**
   * The dialog is confirmed (we received the ACK to our 2xx, or sent the ACK to theirs): only now may
   * RTP flow (RFC 3261 §13.3.1.4), so an unconfirmed INVITE never makes us send media anywhere.
   */
  confirmDialog(): void {
    this.dialogConfirmed = true;
    this.rtp?.confirm();
  }

  sendDtmf(tones: string): boolean {
    return this.rtp?.sendDigits(tones) ?? false;
  }

  close(): void {
    this.closed = true;
    this.rtp?.close();
    void this.opening?.then((rtp) => rtp.close());
    // sip.js keeps the session (and so this handler) for up to 64×T1 after the call ends (the INVITE
    // server transaction's Timer L, RFC 6026): the closed stream, its audio path and buffers go now.
    this.rtp = undefined;
    this.opening = undefined;
    this.remoteOffer = undefined;
  }

  /** `ourDirection` is from our point of view; `keys` are the exchange's SRTP keys (undefined: plain RTP). */
  private apply(remote: RemoteAudio, ourDirection: Direction, codec: AudioCodec, keys: CryptoChoice | undefined): void {
    this.srtp = keys && nextTransform(this.srtp, keys);
    this.established = { media: keys ? 'srtp' : 'plain', profile: remote.profile };
    const voice = codec.name === 'telephone-event' ? { payloadType: 0, name: 'PCMU' as const } : { payloadType: codec.payloadType, name: codec.name };
    const ptimeMs = remote.ptimeMs !== undefined && PTIMES.includes(remote.ptimeMs) ? remote.ptimeMs : (this.context.ptimeMs ?? 20);
    this.rtp?.configure({
      address: remote.address,
      port: remote.port,
      codec: voice,
      receive: receivableCodecs(remote),
      eventPayloadType: telephoneEventType(remote),
      ptimeMs,
      sending: sends(ourDirection) && remote.port > 0 && remote.address !== '0.0.0.0',
      rtcp: remote.port === 0 ? undefined : remote.rtcpMux ? 'mux' : { address: remote.rtcpAddress, port: remote.rtcpPort },
      srtp: this.srtp,
    });
  }

  private get preference(): readonly CodecName[] {
    return this.context.codecs ?? DEFAULT_CODECS;
  }

  private async openStream(): Promise<RtpStream> {
    if (this.rtp) return this.rtp;
    const context = this.context;
    this.opening ??= RtpStream.open(context.bindAddress, context.clock, context.logger, context.random, context.createAudio?.(), context.sockets);
    let rtp: RtpStream;
    try {
      rtp = await this.opening;
    } catch (error) {
      this.opening = undefined; // a later attempt may find a free descriptor
      throw error;
    }
    if (this.closed) {
      rtp.close();
      return rtp;
    }
    if (this.dialogConfirmed) rtp.confirm();
    this.rtp = rtp;
    return rtp;
  }
}

/**
 * The SRTP transform for an exchange's keys: the current one when the keys are the same (rollover and
 * replay state go on), the current sending side with a fresh receiving side when only the peer's key
 * changed (RFC 4568 §7.1.4), else a new one.
 */
function nextTransform(current: SrtpTransform | undefined, keys: CryptoChoice): SrtpTransform {
  if (!current || current.suite !== keys.local.suite) return new SrtpTransform(keys.local, keys.remote);
  if (current.made(keys.local, keys.remote)) return current;
  return current.sendsWith(keys.local) ? current.withRemoteKey(keys.local, keys.remote) : new SrtpTransform(keys.local, keys.remote);
}

import { loadSrtpOpenssl, srtpOpensslUnavailable } from '@callhook/srtp-openssl';
import { ProtectionProfileAes128CmHmacSha1_80, SrtcpSession, SrtpSession } from 'werift-rtp';
import { SipError } from '../errors.js';
import type { CryptoAttribute, SrtpSuite } from './crypto-attribute.js';
import { ReplayWindow } from './replay-window.js';
import { installCipher, type AesCmHmacSha1Cipher } from './aes-cm-hmac-sha1.js';
import { RTP_FIXED_HEADER_BYTES, rtpHeaderBytes } from '../rtp/rtp-parse.js';
import type { SrtpCipher } from './srtp-cipher.js';

/** Packets through a transform, and those dropped (authentication failed, malformed, or replayed; RFC 3711 §3.3). */
export interface SrtpCounters {
  protectedRtp: number;
  unprotectedRtp: number;
  droppedRtp: number;
  protectedRtcp: number;
  unprotectedRtcp: number;
  droppedRtcp: number;
}

/** The smallest RTCP packet (RFC 3550 §6.4 header + SSRC). */
const RTCP_HEADER_BYTES = 8;

/** SRTP authentication tag of the `_32` suite in bytes (RFC 4568 §6.2.2; SRTCP keeps 80 bits there). */
const SHORT_TAG_BYTES = 4;
const LONG_TAG_BYTES = 10;

/** werift-rtp 0.8.9's per-SSRC SRTP state (RFC 3711 §3.3.1 ROC and s_l). */
interface SsrcState {
  ssrc: number;
  rolloverCounter: number;
  lastSequenceNumber: number;
  rolloverHasProcessed?: boolean;
}

/** The parts of werift-rtp 0.8.9's SRTP context `protectRtp` and `decrypt` use (not in its typings). */
interface RtpContextInternals {
  srtpSSRCStates: Record<number, SsrcState>;
  getSrtpSsrcState(ssrc: number): SsrcState;
  updateRolloverCount(sequenceNumber: number, state: SsrcState): void;
  cipher: AesCmHmacSha1Cipher;
}

/**
 * SRTP and SRTCP (RFC 3711) for one call leg, keyed by SDES (RFC 4568): our `a=crypto` key protects what
 * we send, the peer's key unprotects what we receive. werift-rtp's SRTP sessions derive the session keys
 * (RFC 3711 §4.3) and keep the rollover counter and SRTCP index; encryption and authentication (AES-128
 * counter mode, HMAC-SHA1, 80- or 32-bit RTP tag, RFC 4568 §6.2) are `AesCmHmacSha1Cipher`, put in place
 * of werift's cipher: RTP packets in one native call on Node's OpenSSL (`cipher` 'openssl'), else and for
 * SRTCP on Node's AES and a WebAssembly SHA-1. This class adds the SDES keys, a replay window (RFC 3711
 * §3.3.2), and never throws on received packets: a packet that fails authentication, is malformed or
 * is replayed is dropped (undefined) and counted.
 *
 * Both sides use one suite (the answer's, RFC 4568 §7.1.3); keys with an MKI are refused at construction
 * with a SipError.
 */
export class SrtpTransform {
  readonly counters: SrtpCounters = { protectedRtp: 0, unprotectedRtp: 0, droppedRtp: 0, protectedRtcp: 0, unprotectedRtcp: 0, droppedRtcp: 0 };
  private readonly rtp: SrtpSession;
  private readonly rtcp: SrtcpSession;
  private readonly replay = new ReplayWindow();
  /** Scratch for `decrypt`: the ROC guess, kept only once the packet authenticates. */
  private readonly guess: SsrcState = { ssrc: 0, rolloverCounter: 0, lastSequenceNumber: 0, rolloverHasProcessed: false };
  private readonly keys: Buffer;

  readonly suite: SrtpSuite;
  /** Bytes an SRTP packet is longer than its RTP packet (the authentication tag). */
  readonly rtpOverhead: 10 | 4;
  /** What encrypts and authenticates RTP packets. */
  readonly cipher: SrtpCipher;

  /**
   * `cipher`: `openssl` when its module loads, else `javascript`; naming one forces it (a SipError when
   * `openssl` is asked for and cannot load, saying why).
   */
  constructor(local: CryptoAttribute, remote: CryptoAttribute, cipher?: SrtpCipher) {
    if (local.suite !== remote.suite) {
      throw new SipError('sdp_unacceptable', `crypto suites differ: ${local.suite} (ours) and ${remote.suite} (the peer's); RFC 4568 §7.1.3 needs one`);
    }
    for (const attribute of [local, remote]) {
      if (attribute.mki !== undefined) throw new SipError('sdp_unacceptable', 'crypto keys with an MKI are not supported');
    }
    this.suite = local.suite;
    this.keys = Buffer.concat([local.masterKey, local.masterSalt, remote.masterKey, remote.masterSalt]);
    const config = {
      keys: { localMasterKey: local.masterKey, localMasterSalt: local.masterSalt, remoteMasterKey: remote.masterKey, remoteMasterSalt: remote.masterSalt },
      profile: ProtectionProfileAes128CmHmacSha1_80,
    };
    this.rtpOverhead = local.suite === 'AES_CM_128_HMAC_SHA1_32' ? SHORT_TAG_BYTES : LONG_TAG_BYTES;
    const openssl = cipher === 'javascript' ? undefined : loadSrtpOpenssl();
    if (cipher === 'openssl' && !openssl)
      throw new SipError('sdp_unacceptable', `the OpenSSL SRTP cipher is not available: ${srtpOpensslUnavailable() ?? 'not loaded'}`);
    this.cipher = openssl ? 'openssl' : 'javascript';
    this.rtp = new SrtpSession(config);
    this.rtcp = new SrtcpSession(config);
    // werift derives the session keys (RFC 3711 §4.3) and keeps ROC and SRTCP index; our cipher, made
    // once per session key, encrypts and authenticates (werift's makes an AES and HMAC object per packet).
    // SRTCP (a packet every few seconds) stays in JavaScript.
    for (const context of [this.rtp.localContext, this.rtp.remoteContext]) installCipher(context, this.rtpOverhead, openssl);
    for (const context of [this.rtcp.localContext, this.rtcp.remoteContext]) installCipher(context, this.rtpOverhead);
  }

  /**
   * This leg after the peer changed its key in a re-offer or re-answer while ours stayed (RFC 4568 §7.1.4):
   * a new transform whose sending side is this one's SRTP and SRTCP contexts, so our stream's rollover
   * counter and SRTCP index go on (RFC 3711 §3.3.1: the peer still knows our key and expects them to),
   * and whose receiving side starts fresh under the new key. Throws a SipError like the constructor.
   */
  withRemoteKey(local: CryptoAttribute, remote: CryptoAttribute): SrtpTransform {
    const next = new SrtpTransform(local, remote, this.cipher);
    next.rtp.localContext = this.rtp.localContext;
    next.rtcp.localContext = this.rtcp.localContext;
    Object.assign(next.counters, { protectedRtp: this.counters.protectedRtp, protectedRtcp: this.counters.protectedRtcp });
    return next;
  }

  /** Whether this transform protects what we send with this key (suite aside). */
  sendsWith(local: CryptoAttribute): boolean {
    return this.keys.subarray(0, 30).equals(Buffer.concat([local.masterKey, local.masterSalt]));
  }

  /** Whether this transform was made from these master keys and salts (suite aside). */
  made(local: CryptoAttribute, remote: CryptoAttribute): boolean {
    return this.keys.equals(Buffer.concat([local.masterKey, local.masterSalt, remote.masterKey, remote.masterSalt]));
  }

  /** Encrypts and authenticates an RTP packet we send (RFC 3711 §3.3); throws SipError for one that is not RTP. */
  protectRtp(packet: Buffer): Buffer {
    if (packet.length < RTP_FIXED_HEADER_BYTES || packet[0]! >> 6 !== 2) throw new SipError('malformed_message', 'not an RTP packet');
    const headerBytes = rtpHeaderBytes(packet);
    // werift's SrtpContext.encryptRtp without its header object (werift's RtpHeader would parse and
    // re-serialize the header for every packet sent): werift's rule moves the SSRC's rollover counter
    // (RFC 3711 §3.3.1), the cipher encrypts and tags the packet's own bytes.
    const ssrc = packet.readUInt32BE(8);
    const sequenceNumber = packet.readUInt16BE(2);
    const context = this.rtp.localContext as unknown as RtpContextInternals;
    const state = context.getSrtpSsrcState(ssrc);
    context.updateRolloverCount(sequenceNumber, state);
    const out = context.cipher.encryptRtpPacket(packet, headerBytes, ssrc, sequenceNumber, state.rolloverCounter);
    this.counters.protectedRtp++;
    return out;
  }

  /**
   * Authenticates and decrypts a received SRTP packet; undefined (counted in `droppedRtp`) when it must be
   * dropped. Decrypts in place: the RTP packet returned is a view of `packet` (without the tag), whose
   * payload bytes now hold the plain payload; a dropped packet is left as it was. Its padding count
   * (RFC 3550 §5.1) is checked where every RTP packet is read (`parseRtp`).
   */
  unprotectRtp(packet: Buffer): Buffer | undefined {
    if (packet.length < RTP_FIXED_HEADER_BYTES + this.rtpOverhead || packet[0]! >> 6 !== 2) return this.dropRtp();
    const ssrc = packet.readUInt32BE(8);
    const sequence = packet.readUInt16BE(2);
    if (!this.replay.fresh(ssrc, sequence)) return this.dropRtp();
    try {
      const plain = this.decrypt(packet, ssrc, sequence);
      this.replay.accept(ssrc, sequence);
      this.counters.unprotectedRtp++;
      return plain;
    } catch {
      return this.dropRtp();
    }
  }

  /** Encrypts and authenticates an RTCP compound packet we send (RFC 3711 §3.4); throws SipError for one that is not RTCP. */
  protectRtcp(packet: Buffer): Buffer {
    if (packet.length < RTCP_HEADER_BYTES || packet[0]! >> 6 !== 2) throw new SipError('malformed_message', 'not an RTCP packet');
    const out = this.rtcp.encrypt(packet);
    this.counters.protectedRtcp++;
    return out;
  }

  /** Authenticates and decrypts a received SRTCP packet; undefined (counted in `droppedRtcp`) when it must be dropped. */
  unprotectRtcp(packet: Buffer): Buffer | undefined {
    if (packet.length < RTCP_HEADER_BYTES + 4 + 10 || packet[0]! >> 6 !== 2) {
      this.counters.droppedRtcp++;
      return undefined;
    }
    try {
      const plain = this.rtcp.decrypt(packet);
      this.counters.unprotectedRtcp++;
      return plain;
    } catch {
      this.counters.droppedRtcp++;
      return undefined;
    }
  }

  /**
   * werift's SrtpContext.decryptRtp with the header read from the bytes (as in `protectRtp`; werift's
   * RtpHeader parse costs more than the cipher and HMAC together), decrypting in place: the rollover
   * counter is guessed on a copy of the SSRC's state by werift's own rule (RFC 3711 §3.3.1), the context's
   * cipher (ours) authenticates and decrypts the payload where it lies (throwing on a bad tag, before
   * anything is written), and only then is the state kept, so a forged packet cannot move it. Returns a
   * view of `packet` without its tag. Throws for a packet that must be dropped.
   */
  private decrypt(packet: Buffer, ssrc: number, sequenceNumber: number): Buffer {
    const context = this.rtp.remoteContext as unknown as RtpContextInternals;
    const payloadOffset = rtpHeaderBytes(packet);
    if (payloadOffset > packet.length - this.rtpOverhead) throw new SipError('malformed_message', 'SRTP packet shorter than its header and tag');
    const existing = context.srtpSSRCStates[ssrc];
    const next = this.guess;
    next.ssrc = ssrc;
    next.rolloverCounter = existing?.rolloverCounter ?? 0;
    next.lastSequenceNumber = existing?.lastSequenceNumber ?? 0;
    next.rolloverHasProcessed = existing?.rolloverHasProcessed ?? false;
    context.updateRolloverCount(sequenceNumber, next);
    const length = context.cipher.decryptRtpInPlace(packet, next.rolloverCounter, ssrc, sequenceNumber, payloadOffset);
    if (existing) {
      existing.rolloverCounter = next.rolloverCounter;
      existing.lastSequenceNumber = next.lastSequenceNumber;
      existing.rolloverHasProcessed = next.rolloverHasProcessed;
    } else {
      context.srtpSSRCStates[ssrc] = { ...next };
    }
    return packet.subarray(0, length);
  }

  private dropRtp(): undefined {
    this.counters.droppedRtp++;
    return undefined;
  }
}

import { ProtectionProfileAes128CmHmacSha1_80, RtpPacket, SrtcpSession, SrtpSession } from 'werift-rtp';
import { SipError } from '../errors.js';
import type { CryptoAttribute } from './crypto-attribute.js';
import { ReplayWindow } from './replay-window.js';

/** Packets through a transform, and those dropped (authentication failed, malformed, or replayed; RFC 3711 §3.3). */
export interface SrtpCounters {
  protectedRtp: number;
  unprotectedRtp: number;
  droppedRtp: number;
  protectedRtcp: number;
  unprotectedRtcp: number;
  droppedRtcp: number;
}

/** The smallest RTP packet (RFC 3550 §5.1 fixed header) and RTCP packet (§6.4 header + SSRC). */
const RTP_HEADER_BYTES = 12;
const RTCP_HEADER_BYTES = 8;

/**
 * SRTP and SRTCP (RFC 3711) for one call leg, keyed by SDES (RFC 4568): our `a=crypto` key protects what
 * we send, the peer's key unprotects what we receive. The cipher and authentication are werift-rtp's SRTP
 * (AES-128 counter mode, HMAC-SHA1 80-bit tag) on Node's crypto; this class adds the SDES keys, a replay
 * window (§3.3.2), and never throws on received packets: a packet that fails authentication, is malformed
 * or is replayed is dropped (undefined) and counted.
 *
 * Only AES_CM_128_HMAC_SHA1_80 is accepted: werift-rtp 0.8.9 has no 32-bit tag, so `_32` is refused at
 * construction with a SipError naming the suite.
 */
export class SrtpTransform {
  readonly counters: SrtpCounters = { protectedRtp: 0, unprotectedRtp: 0, droppedRtp: 0, protectedRtcp: 0, unprotectedRtcp: 0, droppedRtcp: 0 };
  private readonly rtp: SrtpSession;
  private readonly rtcp: SrtcpSession;
  private readonly replay = new ReplayWindow();

  constructor(local: CryptoAttribute, remote: CryptoAttribute) {
    for (const attribute of [local, remote]) {
      if (attribute.suite !== 'AES_CM_128_HMAC_SHA1_80') {
        throw new SipError('sdp_unacceptable', `crypto suite ${attribute.suite} is not supported for media yet (only AES_CM_128_HMAC_SHA1_80)`);
      }
      if (attribute.mki !== undefined) throw new SipError('sdp_unacceptable', 'crypto keys with an MKI are not supported');
    }
    const config = {
      keys: { localMasterKey: local.masterKey, localMasterSalt: local.masterSalt, remoteMasterKey: remote.masterKey, remoteMasterSalt: remote.masterSalt },
      profile: ProtectionProfileAes128CmHmacSha1_80,
    };
    this.rtp = new SrtpSession(config);
    this.rtcp = new SrtcpSession(config);
  }

  /** Encrypts and authenticates an RTP packet we send (RFC 3711 §3.3); throws SipError for one that is not RTP. */
  protectRtp(packet: Buffer): Buffer {
    if (packet.length < RTP_HEADER_BYTES || packet[0]! >> 6 !== 2) throw new SipError('malformed_message', 'not an RTP packet');
    const parsed = RtpPacket.deSerialize(packet);
    const out = this.rtp.encrypt(parsed.payload, parsed.header);
    this.counters.protectedRtp++;
    return out;
  }

  /** Authenticates and decrypts a received SRTP packet; undefined (counted in `droppedRtp`) when it must be dropped. */
  unprotectRtp(packet: Buffer): Buffer | undefined {
    if (packet.length < RTP_HEADER_BYTES + 10 || packet[0]! >> 6 !== 2) return this.dropRtp();
    const ssrc = packet.readUInt32BE(8);
    const sequence = packet.readUInt16BE(2);
    if (!this.replay.fresh(ssrc, sequence)) return this.dropRtp();
    try {
      const plain = this.rtp.decrypt(packet);
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

  private dropRtp(): undefined {
    this.counters.droppedRtp++;
    return undefined;
  }
}

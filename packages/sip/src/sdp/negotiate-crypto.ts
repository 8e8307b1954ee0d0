import type { Random } from '@callhook/core';
import { formatCryptoAttribute, newCryptoAttribute, parseCryptoAttribute, type CryptoAttribute, type SrtpSuite } from '../srtp/crypto-attribute.js';
import { SdpError } from './sdp-error.js';
import type { RemoteAudio, RtpProfile } from './sdp-parse.js';

/**
 * `line.media.encryption`: how a call's media is protected.
 * - `none`: plain RTP/AVP; an RTP/SAVP offer is refused (488), `a=crypto` on RTP/AVP is ignored.
 * - `sdes`: SRTP when the peer can, plain RTP when it cannot (best effort).
 * - `required`: SRTP or no call.
 */
export type MediaEncryption = 'none' | 'sdes' | 'required';

/**
 * `line.media.srtpSuites` by default: the suites callhook offers, in preference order, and accepts
 * (RFC 4568 §6.2: the two AES_CM_128 suites, the 80-bit tag first).
 */
export const DEFAULT_SRTP_SUITES: readonly SrtpSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'];

/** The keys of one SRTP exchange: ours protect what we send, the peer's what it sends (RFC 4568 §6.1). */
export interface CryptoChoice {
  local: CryptoAttribute;
  remote: CryptoAttribute;
}

/** What an offer from us looks like for `encryption`: the profile and whether it carries our keys. */
export interface CryptoOffer {
  profile: RtpProfile;
  /** Our `a=crypto` attributes, one per suite we offer; empty for plain RTP. */
  crypto: CryptoAttribute[];
}

/**
 * Our master keys of one call, one per suite, drawn once from the line's random source (RFC 4568 §6.1:
 * keys MUST be random) and kept for re-offers and re-answers of the same call (RFC 4568 §7.1.4 lets an
 * offer keep the keys in use; a new key would restart SRTP's rollover and replay state).
 */
export class LocalKeys {
  private readonly bySuite = new Map<SrtpSuite, CryptoAttribute>();

  constructor(private readonly random: Random) {}

  /** Our key for `suite` under `tag` (an answer echoes the tag of the offer line it accepts, RFC 4568 §7.1.2). */
  key(suite: SrtpSuite, tag: number): CryptoAttribute {
    let key = this.bySuite.get(suite);
    if (!key) {
      key = newCryptoAttribute(tag, suite, this.random);
      this.bySuite.set(suite, key);
    }
    return { ...key, tag };
  }

  /**
   * What we offer for `encryption` (RFC 4568 §7.1.1, tags 1, 2, … in suite preference order):
   * - `none`: RTP/AVP without keys.
   * - `sdes`: RTP/AVP with `a=crypto` lines, the best-effort form: RFC 3264 §6 does not let an answerer
   *   change the offered RTP/SAVP into RTP/AVP, so an RTP/SAVP offer fails against every plain peer;
   *   on RTP/AVP a plain peer ignores the attribute it does not know (RFC 4566 §5.13) and answers plain,
   *   while a peer doing SDES answers with its key, and media is SRTP.
   * - `required`: RTP/SAVP with `a=crypto` lines (RFC 4568 §3.1.4 / RFC 3711 §12).
   * `established` (`srtp` or `plain` once a call's first exchange is done) keeps a re-offer on what the call uses.
   * `suites`: `line.media.srtpSuites`, one `a=crypto` line each in this order.
   */
  offer(
    encryption: MediaEncryption,
    established: 'srtp' | 'plain' | undefined,
    profile: RtpProfile | undefined,
    suites: readonly SrtpSuite[] = DEFAULT_SRTP_SUITES,
  ): CryptoOffer {
    if (encryption === 'none' || established === 'plain') return { profile: 'RTP/AVP', crypto: [] };
    const crypto = suites.map((suite, index) => this.key(suite, index + 1));
    return { profile: profile ?? (encryption === 'required' ? 'RTP/SAVP' : 'RTP/AVP'), crypto };
  }
}

/** Our attributes as `a=crypto` values (without `a=`). */
export function cryptoLines(attributes: readonly CryptoAttribute[]): string[] {
  return attributes.map(formatCryptoAttribute);
}

/** The first `a=crypto` line of `remote` callhook can use (RFC 4568 §7.1.2: in the offerer's preference order), and why the others cannot be. */
function firstUsable(remote: RemoteAudio, acceptable: (attribute: CryptoAttribute) => string | undefined): { attribute?: CryptoAttribute; problems: string[] } {
  const problems: string[] = [];
  for (const line of remote.crypto) {
    try {
      const attribute = parseCryptoAttribute(line);
      const problem = attribute.mki !== undefined ? 'keys with an MKI are not supported' : acceptable(attribute);
      if (problem === undefined) return { attribute, problems };
      problems.push(problem);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return { problems };
}

function why(problems: readonly string[]): string {
  return problems.length === 0 ? 'it has no a=crypto line' : `no a=crypto line is usable: ${[...new Set(problems)].join('; ')}`;
}

/**
 * The peer's key we accept from an offer, or undefined for plain RTP (RFC 4568 §7.1.2, RFC 3264 §6): the
 * first `a=crypto` line, in the offer's order, whose suite is one of `suites` (`line.media.srtpSuites`);
 * - `none`: an RTP/SAVP offer is refused; `a=crypto` on RTP/AVP is ignored (plain answer).
 * - `sdes`: the first usable `a=crypto` line on RTP/SAVP or RTP/AVP (best-effort SRTP); plain RTP/AVP
 *   without one; RTP/SAVP without one is refused (it cannot be answered without keys).
 * - `required`: the first usable `a=crypto` line, else refused.
 * Refusals are `SdpError`s with warn-code 302 (incompatible transport protocol, RFC 3261 §20.43) whose
 * text names `line.media.encryption` and what the offer lacks; the caller answers 488.
 */
export function offeredKey(remote: RemoteAudio, encryption: MediaEncryption, suites: readonly SrtpSuite[] = DEFAULT_SRTP_SUITES): CryptoAttribute | undefined {
  if (encryption === 'none') {
    if (remote.profile === 'RTP/SAVP') {
      throw new SdpError(302, 'the offer is RTP/SAVP (SRTP) and line.media.encryption is "none"; set it to "sdes" or "required" to take SRTP calls');
    }
    return undefined;
  }
  const { attribute, problems } = firstUsable(remote, (candidate) =>
    suites.includes(candidate.suite) ? undefined : `${candidate.suite} is not in line.media.srtpSuites (${suites.join(', ')})`,
  );
  if (attribute) return attribute;
  if (encryption === 'required') {
    throw new SdpError(302, `line.media.encryption is "required" and the ${remote.profile} offer has no usable SRTP key: ${why(problems)}`);
  }
  if (remote.profile === 'RTP/SAVP') throw new SdpError(302, `the RTP/SAVP offer cannot be answered: ${why(problems)}`);
  return undefined;
}

/**
 * The keys of an answer to our offer, or undefined for plain RTP (RFC 4568 §7.1.3): the answer's
 * `a=crypto` line must carry the tag and suite of one of `offered`. Without one, `sdes` goes on with plain
 * RTP when the answer is RTP/AVP (best effort), `required` refuses (warn-code 302, the text names
 * `line.media.encryption`); sip.js then ends the call (ACK and BYE).
 */
export function answeredKeys(remote: RemoteAudio, encryption: MediaEncryption, offered: readonly CryptoAttribute[]): CryptoChoice | undefined {
  if (offered.length === 0) {
    if (remote.profile === 'RTP/SAVP') throw new SdpError(302, 'the answer is RTP/SAVP (SRTP) but we offered plain RTP/AVP (RFC 3264 §6)');
    return undefined;
  }
  const { attribute, problems } = firstUsable(remote, (candidate) => {
    const ours = offered.find((offer) => offer.tag === candidate.tag);
    if (!ours) return `tag ${candidate.tag} is not one we offered`;
    return ours.suite === candidate.suite ? undefined : `tag ${candidate.tag} is ${ours.suite} in our offer, not ${candidate.suite}`;
  });
  if (attribute) return { local: offered.find((offer) => offer.tag === attribute.tag)!, remote: attribute };
  if (encryption === 'required') {
    throw new SdpError(302, `line.media.encryption is "required" and the ${remote.profile} answer has no usable SRTP key: ${why(problems)}`);
  }
  if (remote.profile === 'RTP/SAVP') throw new SdpError(302, `the RTP/SAVP answer has no usable SRTP key: ${why(problems)}`);
  return undefined;
}

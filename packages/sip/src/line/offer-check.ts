import type { Core } from 'sip.js';
import type { CodecName } from '../media/codec.js';
import { answerCodecs, DEFAULT_CODECS } from '../sdp/negotiate.js';
import { DEFAULT_SRTP_SUITES, offeredKey, type MediaEncryption } from '../sdp/negotiate-crypto.js';
import type { SrtpSuite } from '../srtp/crypto-attribute.js';
import { SdpError, type SdpWarnCode } from '../sdp/sdp-error.js';
import { parseRemoteAudio } from '../sdp/sdp-parse.js';

/** Why an offer cannot be answered: the text and the RFC 3261 §20.43 warn-code for the 488's Warning. */
export interface OfferProblem {
  reason: string;
  warnCode: SdpWarnCode;
}

/**
 * Why an INVITE's SDP offer cannot be answered, or undefined when it can (or carries no offer): no codec
 * in common with `media.codecs` (the line's), a bad value, or no usable SRTP key (of a suite in
 * `media.srtpSuites`) where `media.encryption` needs one (RFC 4568 §7.1.2). Omitted fields take the
 * line's defaults.
 */
export function unacceptableOffer(
  request: Core.IncomingRequestMessage,
  media: { encryption?: MediaEncryption; srtpSuites?: readonly SrtpSuite[]; codecs?: readonly CodecName[] } = {},
): OfferProblem | undefined {
  const type = request.getHeader('content-type') ?? '';
  if (!request.body || !/^application\/sdp/i.test(type)) return undefined;
  try {
    const remote = parseRemoteAudio(request.body);
    answerCodecs(remote, media.codecs ?? DEFAULT_CODECS);
    offeredKey(remote, media.encryption ?? 'none', media.srtpSuites ?? DEFAULT_SRTP_SUITES);
    return undefined;
  } catch (error) {
    return { reason: (error as Error).message, warnCode: error instanceof SdpError ? error.warnCode : 399 };
  }
}

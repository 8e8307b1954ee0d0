import type { Core } from 'sip.js';
import { answerCodecs } from '../sdp/negotiate.js';
import { parseRemoteAudio } from '../sdp/sdp-parse.js';

/** Why an INVITE's SDP offer cannot be answered, or undefined when it can (or carries no offer). */
export function unacceptableOffer(request: Core.IncomingRequestMessage): string | undefined {
  const type = request.getHeader('content-type') ?? '';
  if (!request.body || !/^application\/sdp/i.test(type)) return undefined;
  try {
    answerCodecs(parseRemoteAudio(request.body));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

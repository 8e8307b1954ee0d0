import { MAX_SIP_MESSAGE_BYTES } from './limits.js';
import { CSEQ, forEachHeaderLine, TO_TAG } from './header-lines.js';
import type { PeekedMessage } from './peek.js';
import { parseVia } from './via.js';

/**
 * What the transport needs to route a message it sends (see `NodeSipTransport.send`): the routing
 * fields of the full peek (`PeekedMessage`), so either can stand for the other — start line, top Via
 * (RFC 3261 §8.1.1.7), CSeq method (§20.16), Call-ID, whether To has a tag (§12.1) and the URI of
 * the first Route (§8.1.2, without angle brackets).
 */
export type OutgoingGlance = Pick<PeekedMessage, 'kind' | 'method' | 'statusCode' | 'requestUri' | 'via' | 'cseqMethod' | 'callId' | 'hasToTag' | 'firstRoute'>;

const REQUEST_LINE = /^([A-Za-z]+) (\S+) SIP\/2\.0$/;
const STATUS_LINE = /^SIP\/2\.0 ([1-6]\d\d) /;

/**
 * Reads a message the SIP stack hands the transport to send — well-formed by construction — in one
 * pass over its header lines, taking only the start line, the first Via, CSeq, Call-ID, To and the
 * first Route (long or compact names, RFC 3261 §7.3.3). It replaced the full `peekSipMessage` of
 * every outgoing message, whose checks are for what arrives from the network. Returns undefined when
 * it cannot read one of them with certainty (a folded line, a missing header) or the message is long
 * enough to be over the size limit, and the caller falls back to the full peek. Never throws.
 */
export function glanceOutgoing(text: string): OutgoingGlance | undefined {
  // A long one may be over the 64 KiB limit in bytes: the full peek measures and refuses it.
  if (text.length > MAX_SIP_MESSAGE_BYTES / 4) return undefined;
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const lineEnd = text.indexOf('\r\n');
  const startLine = text.slice(0, lineEnd);
  const request = REQUEST_LINE.exec(startLine);
  const status = request ? undefined : STATUS_LINE.exec(startLine);
  if (!request && !status) return undefined;
  let via: string | undefined;
  let to: string | undefined;
  let callId: string | undefined;
  let cseq: string | undefined;
  let route: string | undefined;
  const read = forEachHeaderLine(text, lineEnd, headEnd, (name, value) => {
    switch (name) {
      case 'via':
        via ??= value();
        break;
      case 'to':
        to ??= value();
        break;
      case 'call-id':
        callId ??= value();
        break;
      case 'cseq':
        cseq ??= value();
        break;
      case 'route':
        route ??= value();
        break;
    }
  });
  if (!read) return undefined;
  const cseqMethod = CSEQ.exec(cseq ?? '')?.[1];
  const top = via === undefined ? undefined : parseVia(via);
  if (!top || to === undefined || !callId || !cseqMethod) return undefined;
  return {
    kind: request ? 'request' : 'response',
    method: request?.[1]!.toUpperCase(),
    statusCode: status ? Number(status[1]) : undefined,
    requestUri: request?.[2],
    via: top,
    cseqMethod: cseqMethod.toUpperCase(),
    callId,
    hasToTag: TO_TAG.test(to),
    firstRoute: route === undefined ? undefined : /<([^>]+)>/.exec(route)?.[1],
  };
}

import type { RequestEcho } from './bad-request.js';
import { CSEQ, forEachHeaderLine, TO_TAG } from './header-lines.js';
import { parseVia } from './via.js';

/**
 * The least the transport reads of a request to refuse a new INVITE under overload, or to recognise a
 * retransmission of one it refused or the ACK of its 503 (docs/sip-in-node.md §9): the method, the top
 * Via's branch, Call-ID, CSeq, whether To has a tag (RFC 3261 §12.1: none on a request outside a
 * dialog), and the headers a response copies (§8.2.6.2).
 */
export interface RequestGlance {
  /** Request method, upper case (`INVITE`, `ACK`). */
  method: string;
  /** The top Via's `branch` parameter (RFC 3261 §8.1.1.7), as parseVia reads it. */
  branch: string | undefined;
  callId: string;
  /** The method in CSeq, upper case (§20.16). */
  cseqMethod: string;
  hasToTag: boolean;
  /** The headers a response copies, as received (each Via header value in order). */
  echo: RequestEcho;
}

const REQUEST_LINE = /^([A-Za-z]+) \S+ SIP\/2\.0$/;

/**
 * Glances at a request without the full peek (peekSipMessage) or sip.js's parser: one pass over the
 * header lines, reading only Via, From, To, Call-ID and CSeq (long or compact form, RFC 3261 §7.3.3).
 * Returns undefined for anything it does not read with certainty — a response, a folded header line,
 * a missing or malformed one of those headers, no end of the header section — so the caller falls back
 * to the full peek, which answers 400 or drops the message as before. Never throws; no body checks.
 */
export function glanceRequest(text: string): RequestGlance | undefined {
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const lineEnd = text.indexOf('\r\n');
  const request = REQUEST_LINE.exec(text.slice(0, lineEnd));
  if (!request) return undefined;
  const via: string[] = [];
  let from: string | undefined;
  let to: string | undefined;
  let callId: string | undefined;
  let cseq: string | undefined;
  const read = forEachHeaderLine(text, lineEnd, headEnd, (name, value) => {
    switch (name) {
      case 'via':
        via.push(value());
        break;
      case 'from':
        from ??= value();
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
    }
  });
  if (!read) return undefined;
  const cseqMethod = CSEQ.exec(cseq ?? '')?.[1];
  const top = parseVia(via[0] ?? '');
  if (!top || !from || !to || !callId || !cseq || !cseqMethod) return undefined;
  return {
    method: request[1]!.toUpperCase(),
    branch: top.branch,
    callId,
    cseqMethod: cseqMethod.toUpperCase(),
    hasToTag: TO_TAG.test(to),
    echo: { via, from, to, callId, cseq },
  };
}

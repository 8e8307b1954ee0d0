import { SipError } from '../errors.js';
import { MalformedRequestError, type RequestEcho } from './bad-request.js';
import { longHeaderName, TO_TAG } from './header-lines.js';
import { MAX_SIP_MESSAGE_BYTES } from './limits.js';
import { parseVia, type Via } from './via.js';

/** The few facts the transport needs from a SIP message, taken without trusting it. */
export interface PeekedMessage {
  kind: 'request' | 'response';
  method: string | undefined;
  statusCode: number | undefined;
  requestUri: string | undefined;
  via: Via;
  cseqMethod: string;
  callId: string;
  hasToTag: boolean;
  firstRoute: string | undefined;
  contentLength: number | undefined;
  bodyBytes: number;
  /** Whether a Content-Type header is present (RFC 3261 §20.15: required with a non-empty body). */
  hasContentType: boolean;
  /** The headers a response copies, as received. */
  echo: RequestEcho;
}

const REQUEST_LINE = /^([A-Za-z]+) (\S+) SIP\/2\.0$/;
const STATUS_LINE = /^SIP\/2\.0 ([1-6]\d\d) [^\r\n]*$/;

function malformed(why: string): never {
  throw new SipError('malformed_message', why);
}

/** Checks framing and mandatory headers; throws a SipError('malformed_message'|'oversize_message'). */
export function peekSipMessage(text: string): PeekedMessage {
  const messageBytes = Buffer.byteLength(text);
  if (messageBytes > MAX_SIP_MESSAGE_BYTES) throw new SipError('oversize_message', 'message over 64 KiB');
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd === -1) malformed('no end of header section');
  const lines = text.slice(0, headEnd).split('\r\n');
  const startLine = lines.shift() ?? '';
  const headers = collectHeaders(lines);
  const request = REQUEST_LINE.exec(startLine);
  if (!request && !STATUS_LINE.test(startLine)) malformed(`bad start line "${startLine.slice(0, 80)}"`);
  const via = parseVia(headers.get('via')?.[0] ?? '') ?? malformed('missing or bad Via');
  const cseq = /^\s*\d{1,10}\s+([A-Za-z]+)\s*$/.exec(headers.get('cseq')?.[0] ?? '') ?? malformed('missing or bad CSeq');
  const callId = headers.get('call-id')?.[0]?.trim() || malformed('missing Call-ID');
  const to = headers.get('to')?.[0] ?? malformed('missing To');
  const from = headers.get('from')?.[0] || malformed('missing From');
  const echo: RequestEcho = { via: headers.get('via')!, from, to, callId, cseq: headers.get('cseq')![0]!.trim() };
  // From here on a request is readable enough to be answered (400) rather than dropped (§18.3).
  const refuse = (reason: string): never => {
    if (request) throw new MalformedRequestError(reason, request[1]!.toUpperCase(), echo);
    malformed(reason);
  };
  const lengthText = headers.get('content-length')?.[0]?.trim();
  if (lengthText !== undefined && !/^\d{1,9}$/.test(lengthText)) refuse('Malformed Content-Length header field');
  const contentLength = lengthText === undefined ? undefined : Number(lengthText);
  const bodyBytes = messageBytes - Buffer.byteLength(text.slice(0, headEnd + 4));
  if (contentLength !== undefined && contentLength > bodyBytes) refuse('Content-Length beyond the end of the message');
  const route = headers.get('route')?.[0];
  return {
    kind: request ? 'request' : 'response',
    method: request?.[1]?.toUpperCase(),
    statusCode: request ? undefined : Number(startLine.slice(8, 11)),
    requestUri: request?.[2],
    via,
    cseqMethod: cseq[1]!.toUpperCase(),
    callId,
    hasToTag: TO_TAG.test(to),
    firstRoute: route === undefined ? undefined : /<([^>]+)>/.exec(route)?.[1],
    contentLength,
    bodyBytes,
    hasContentType: Boolean(headers.get('content-type')?.[0]),
    echo,
  };
}

function collectHeaders(lines: string[]): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let last: { name: string; values: string[] } | undefined;
  for (const line of lines) {
    if (/^[ \t]/.test(line) && last) {
      last.values[last.values.length - 1] += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) malformed(`bad header line "${line.slice(0, 80)}"`);
    const raw = line.slice(0, colon).trim().toLowerCase();
    if (!/^[a-z0-9!%*_+`'~.-]+$/.test(raw)) malformed(`bad header name "${raw.slice(0, 40)}"`);
    const name = longHeaderName(raw);
    const values = headers.get(name) ?? [];
    values.push(line.slice(colon + 1).trim());
    headers.set(name, values);
    last = { name, values };
  }
  return headers;
}

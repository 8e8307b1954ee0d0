import type { RequestEcho } from './bad-request.js';

/**
 * A response built without the SIP stack from a request's echoed headers (RFC 3261 §8.2.6.2: Via,
 * From, To, Call-ID and CSeq copied; `toTag` added to a To without a tag), for requests answered by
 * the transport: a 400 for what the stack cannot read, a 503 for what overload does not let in.
 */
export function statelessResponse(echo: RequestEcho, statusLine: string, extraHeaders: string[], toTag: string): string {
  const to = /;\s*tag\s*=/i.test(echo.to) ? echo.to : `${echo.to};tag=${toTag}`;
  return [
    statusLine,
    ...echo.via.map((value) => `Via: ${value}`),
    `From: ${echo.from}`,
    `To: ${to}`,
    `Call-ID: ${echo.callId}`,
    `CSeq: ${echo.cseq}`,
    ...extraHeaders,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/**
 * The 503 Service Unavailable for a new INVITE refused under overload (RFC 3261 §21.5.4): `Retry-After`
 * (§20.33) tells the caller, or a proxy choosing among targets, when to try again; without it the
 * caller must treat the 503 as a 500.
 */
export function serviceUnavailableResponse(echo: RequestEcho, retryAfterSeconds: number, toTag: string): string {
  return statelessResponse(
    echo,
    'SIP/2.0 503 Service Unavailable',
    [`Retry-After: ${retryAfterSeconds}`, 'Warning: 399 callhook "overloaded: too many new calls at once"'],
    toTag,
  );
}

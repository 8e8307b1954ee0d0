import type { Peer } from '../transport/endpoint.js';

const FIRST_VIA = /^(via|v)[ \t]*:[ \t]*([^\r\n,]*)/im;

/**
 * Stamps the top Via of a request received from `source` as RFC 3261 §18.2.1 and RFC 3581 §4 ask: adds
 * `received=<source address>` when the sent-by host is not that address, and fills in a valueless `rport`
 * with the source port, so responses (and a peer behind NAT reading them) name where the request really came
 * from. Returns the text unchanged when its first Via cannot be found or already carries both values.
 */
export function stampReceived(text: string, source: Peer): string {
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd === -1 ? text : text.slice(0, headEnd);
  const match = FIRST_VIA.exec(head);
  if (!match) return text;
  const value = match[2]!;
  const stamped = stampViaValue(value, source);
  if (stamped === value) return text;
  const start = match.index + match[0].length - value.length;
  return text.slice(0, start) + stamped + text.slice(start + value.length);
}

/**
 * The same stamp (RFC 3261 §18.2.1, RFC 3581 §4) on one Via value, the top one of a request received
 * from `source` (up to its first comma): `received=` added when the sent-by host is not the source
 * address, a valueless `rport` given the source port. Returns `value` trimmed at its end when there is
 * nothing to add, and as it is when it is no Via.
 */
export function stampViaValue(value: string, source: Peer): string {
  const sentBy = /^SIP\s*\/\s*2\.0\s*\/\s*[A-Za-z]+\s+(\[[0-9A-Fa-f:.]+\]|[^\s;:]+)/i.exec(value.trim());
  if (!sentBy) return value;
  const host = sentBy[1]!.replace(/^\[|\]$/g, '');
  let stamped = value.trimEnd();
  const params = stamped.split(';').map((part) => part.trim().toLowerCase());
  if (host !== source.address && !params.some((part) => part.startsWith('received='))) stamped += `;received=${source.address}`;
  if (params.includes('rport')) stamped = stamped.replace(/;[ \t]*rport(?=[ \t]*(;|$))/i, `;rport=${source.port}`);
  return stamped;
}

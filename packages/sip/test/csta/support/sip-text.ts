import { createHash } from 'node:crypto';

/** A SIP message as the fake phone reads it (test code: trusted enough, but never throws on junk). */
export interface SipText {
  method: string | undefined;
  status: number | undefined;
  requestUri: string | undefined;
  headers: Map<string, string[]>;
  body: string;
  raw: string;
}

/** Splits a SIP message into start line, headers (lower-case names, in order) and body; undefined for junk. */
export function parseSip(raw: string): SipText | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [start = '', ...lines] = raw.slice(0, end).split('\r\n');
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  const status = /^SIP\/2\.0 (\d{3})/.exec(start);
  const request = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(start);
  return {
    method: request?.[1],
    status: status ? Number(status[1]) : undefined,
    requestUri: request?.[2],
    headers,
    body: raw.slice(end + 4),
    raw,
  };
}

/** The first value of a header. */
export function header(message: SipText, name: string): string {
  return message.headers.get(name.toLowerCase())?.[0] ?? '';
}

/** A `;tag=` parameter of a From/To value. */
export function tagOf(value: string): string | undefined {
  return /;tag=([^;>\s]+)/.exec(value)?.[1];
}

/** The URI inside `<…>` of a name-addr (or the value itself). */
export function uriOf(value: string): string {
  return /<([^>]+)>/.exec(value)?.[1] ?? value.split(';')[0]!.trim();
}

/** host and port of a sip: URI. */
export function hostPortOf(uri: string): { address: string; port: number } {
  const match = /^sips?:(?:[^@]+@)?([^:;>]+)(?::(\d+))?/.exec(uri);
  return { address: match?.[1] ?? '127.0.0.1', port: Number(match?.[2] ?? 5060) };
}

/** Builds a SIP message from its start line, headers and body (Content-Length added). */
export function buildSip(start: string, headers: string[], body = ''): string {
  return [start, ...headers, `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** Parameters of a `Digest …` Authorization header. */
function digestParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const match of value.replace(/^Digest\s+/i, '').matchAll(/(\w+)=("([^"]*)"|[^,\s]+)/g)) params.set(match[1]!.toLowerCase(), match[3] ?? match[2]!);
  return params;
}

/** Checks an RFC 2617 (qop=auth or none) digest response for `method` against the expected credentials. */
export function digestValid(authorization: string, method: string, expected: { username: string; password: string; realm: string; nonce: string }): boolean {
  const params = digestParams(authorization);
  if (params.get('username') !== expected.username || params.get('realm') !== expected.realm || params.get('nonce') !== expected.nonce) return false;
  const ha1 = md5(`${expected.username}:${expected.realm}:${expected.password}`);
  const ha2 = md5(`${method}:${params.get('uri') ?? ''}`);
  const qop = params.get('qop');
  const response = qop
    ? md5(`${ha1}:${expected.nonce}:${params.get('nc') ?? ''}:${params.get('cnonce') ?? ''}:${qop}:${ha2}`)
    : md5(`${ha1}:${expected.nonce}:${ha2}`);
  return params.get('response') === response;
}

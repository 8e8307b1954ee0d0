import { decodeComponent } from '@callhook/core';
import { hash, timingSafeEqual } from 'node:crypto';

/**
 * The token a request carries: `Authorization: Bearer …` or a `token=` query parameter (for links and
 * EventSource, which cannot set headers). Returns null when there is none.
 */
export function presentedToken(authorization: string | undefined, url: string): string | null {
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match ? match[1]! : '';
  }
  // Scanned in place: every request that carries a token comes through here.
  const query = url.indexOf('?');
  if (query === -1) return null;
  for (let at = url.indexOf('token=', query); at !== -1; at = url.indexOf('token=', at + 1)) {
    const before = url.charCodeAt(at - 1);
    if (before !== 0x3f /* ? */ && before !== 0x26 /* & */) continue;
    const end = url.indexOf('&', at);
    const raw = url.slice(at + 'token='.length, end === -1 ? url.length : end);
    return decodeComponent(raw) ?? '';
  }
  return null;
}

// One-shot hashing: a Hash object per request cost half as much again, on every request that carries a token.
const digest = (value: string): Buffer => hash('sha256', value, 'buffer');

let cachedToken: string | null = null;
let cachedDigest: Buffer | null = null;

/**
 * Compares in constant time; hashing first makes the lengths equal and hides the token's length.
 * The configured token's digest is kept while the token stays the same (one hash per request).
 */
export function tokensMatch(presented: string, expected: string): boolean {
  if (cachedToken !== expected || cachedDigest === null) {
    cachedToken = expected;
    cachedDigest = digest(expected);
  }
  return timingSafeEqual(digest(presented), cachedDigest);
}

interface SocketVerdict {
  presented: string;
  expected: string;
  match: boolean;
}

const verdictsBySocket = new WeakMap<object, SocketVerdict>();

/**
 * `tokensMatch`, remembered per connection: a keep-alive client (a CRM server, a flood) sends the same
 * token on every request, and hashing it each time was the largest cost of a request that carries one.
 * The remembered string is what this same connection sent before, never the configured token, so
 * comparing against it tells a client nothing it did not send itself.
 */
export function tokenAccepted(connection: object, presented: string, expected: string): boolean {
  const last = verdictsBySocket.get(connection);
  if (last !== undefined && last.presented === presented && last.expected === expected) return last.match;
  const match = tokensMatch(presented, expected);
  verdictsBySocket.set(connection, { presented, expected, match });
  return match;
}

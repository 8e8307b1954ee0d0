import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The token a request carries: `Authorization: Bearer …` or a `token=` query parameter (for links and
 * EventSource, which cannot set headers). Returns null when there is none.
 */
export function presentedToken(authorization: string | undefined, url: string): string | null {
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match ? match[1]! : '';
  }
  const query = url.indexOf('?');
  if (query === -1) return null;
  for (const piece of url.slice(query + 1).split('&')) {
    if (piece.startsWith('token=')) {
      try {
        return decodeURIComponent(piece.slice('token='.length));
      } catch {
        return '';
      }
    }
  }
  return null;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

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

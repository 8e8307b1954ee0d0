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

/** Compares in constant time; hashing first makes the lengths equal and hides the token's length. */
export function tokensMatch(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

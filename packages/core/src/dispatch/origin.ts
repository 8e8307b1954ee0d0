import type { PendingDelivery } from './delivery.js';

/** The lane group of browser slots: they share the desktop's browser, not a receiver. */
export const BROWSER_ORIGIN = 'browser:';

/** Origins found, by the part of the URL before its path (`http://host:port`); null: that part is no origin. */
const originCache = new Map<string, string | null>();
/** Receivers are a handful per settings; the cache is emptied rather than grown past this. */
const ORIGIN_CACHE_SIZE = 256;

/**
 * The receiver a delivery goes to, as the dispatcher groups them for per-origin limits: the URL's
 * origin (`scheme://host[:port]`, default ports left out, host lowercased) for the `http` sink,
 * `<mode>:` for every other sink (`browser:`: they share one browser, not a receiver), and the whole
 * URL when it has no origin (it will fail on its own).
 *
 * The origin of an `http://` or `https://` URL depends only on its authority (the WHATWG URL
 * parser ends the authority at `/`, `\`, `?` or `#`, and nothing after it can make such a URL
 * invalid), so it is parsed once per authority and kept: a delivery's URL differs per call only in
 * its path and query (placeholders may not stand in the scheme, host or port).
 */
export function originOf(delivery: Pick<PendingDelivery, 'url' | 'mode'>): string {
  if (delivery.mode !== 'http') return `${delivery.mode}:`;
  const { url } = delivery;
  const authority = authorityPrefix(url);
  if (authority === null) return parsedOrigin(url) ?? url;
  let origin = originCache.get(authority);
  if (origin === undefined) {
    origin = parsedOrigin(authority);
    if (originCache.size >= ORIGIN_CACHE_SIZE) originCache.clear();
    originCache.set(authority, origin);
  }
  return origin ?? url;
}

/**
 * `http://host:port` of a URL written as `http://` or `https://` followed by an authority of
 * printable ASCII; null for anything else (the URL is then parsed whole). Whitespace and control
 * characters are left to the full parse, which strips or refuses them depending on where they stand.
 */
function authorityPrefix(url: string): string | null {
  const start = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : -1;
  if (start < 0) return null;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    // An empty authority (`http:///host`: the parser skips the extra slashes) is left to the full parse.
    if (c === 0x2f || c === 0x5c || c === 0x3f || c === 0x23) return i === start ? null : url.slice(0, i);
    if (c <= 0x20 || c >= 0x7f) return null;
  }
  return url.length === start ? null : url;
}

/** The origin of `url` by the URL parser, or null when it has none. */
function parsedOrigin(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

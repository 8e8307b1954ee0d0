import { HostCheck } from './host-check.js';

export interface BrowserVerdict {
  allowed: boolean;
  /** The request is a top-level navigation (a clicked link, a typed URL, a bookmark). */
  navigation: boolean;
  /** The `Origin` header when it is allowed, for CORS response headers. */
  corsOrigin: string | null;
  reason: string;
}

type Headers = Record<string, string | string[] | undefined>;

const one = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

const noNames = new HostCheck([]);

/**
 * Only an IP literal, `localhost` or a name in `inbound.hostNames` in Host proves a "same-origin"
 * page is really ours: a page on a rebound DNS name (evil.example → 127.0.0.1) is same-origin with
 * itself, never with us. (The gate refuses such a Host before this is asked.)
 */
export function isTrustedHost(host: string | undefined, hosts: HostCheck = noNames): boolean {
  return hosts.allows(host);
}

/**
 * Decides whether a request sent by a web page may act. Browsers tell who sent a request through
 * Sec-Fetch-Site/Mode and Origin/Referer; clients without those headers (curl, CRM servers, desk-phone
 * style integrations) are not browsers and pass. Cross-site requests of every kind (img, script, iframe,
 * form, fetch, beacon, scripted or clicked navigation) pass only from an origin in `inbound.allowOrigins`;
 * speculative loads (prefetch, prerender) never pass.
 */
export function judgeBrowserRequest(headers: Headers, allowOrigins: readonly string[], hosts: HostCheck = noNames): BrowserVerdict {
  const site = one(headers, 'sec-fetch-site')?.toLowerCase();
  const mode = one(headers, 'sec-fetch-mode')?.toLowerCase();
  const origin = one(headers, 'origin');
  const referer = one(headers, 'referer');
  const purpose = `${one(headers, 'sec-purpose') ?? ''} ${one(headers, 'purpose') ?? ''} ${one(headers, 'x-moz') ?? ''}`.toLowerCase();
  const navigation = mode === 'navigate';
  const claimed = origin ?? originOf(referer);
  const corsOrigin = origin !== undefined && allowOrigins.includes(origin) ? origin : null;
  const verdict = (allowed: boolean, reason: string): BrowserVerdict => ({ allowed, navigation, corsOrigin, reason });

  if (/prefetch|prerender/.test(purpose)) {
    return verdict(false, 'a prefetch or prerender never controls the phone; open the link itself');
  }
  if (site === undefined && mode === undefined && origin === undefined && referer === undefined) {
    return verdict(true, 'not a browser');
  }
  if (claimed !== null && claimed !== 'null' && allowOrigins.includes(claimed)) return verdict(true, 'allowed origin');
  if (site === 'none') return verdict(true, 'typed or bookmarked by the user');
  const host = one(headers, 'host');
  const ownOrigin = isTrustedHost(host, hosts) && (claimed === null || originOf(claimed) === originOf(`http://${host}`));
  if (site === 'same-origin' && ownOrigin) return verdict(true, 'same origin');
  if (site === undefined && ownOrigin) return verdict(true, 'same origin (no Sec-Fetch headers)');
  const from = claimed && claimed !== 'null' ? claimed : 'a page that hides its origin';
  return verdict(false, `cross-site request from ${from}; add its origin to inbound.allowOrigins to let it control the phone`);
}

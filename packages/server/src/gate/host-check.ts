import { isIP } from 'node:net';

/** Distinct Host values remembered; past this the memory starts again. */
const REMEMBERED_HOSTS = 1_024;

/**
 * The host part of a `Host` header (RFC 9110 §7.2: `host[:port]`, IPv6 in brackets), lower-cased;
 * null when the header is missing or malformed.
 */
export function hostPart(host: string | undefined): string | null {
  if (!host) return null;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close === -1) return null;
    const rest = host.slice(close + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return null;
    return host.slice(1, close).toLowerCase();
  }
  const match = /^([^:]+)(:\d{1,5})?$/.exec(host);
  return match ? match[1]!.toLowerCase() : null;
}

/**
 * Which `Host` values the listener answers to: IP literals, `localhost`, and the DNS names in
 * `inbound.hostNames`. Any other name is how a page on a DNS name that resolves to this machine
 * (DNS rebinding, or a name an attacker points at 127.0.0.1) reaches the listener, with or without
 * browser headers, so it is refused on every route.
 */
export class HostCheck {
  private readonly names: Set<string>;
  private readonly verdicts = new Map<string, boolean>();

  constructor(readonly hostNames: readonly string[]) {
    this.names = new Set(hostNames.map((name) => name.toLowerCase()));
  }

  /** True when `host` (the raw header value, port included) names this listener. */
  allows(host: string | undefined): boolean {
    if (host === undefined) return false;
    let verdict = this.verdicts.get(host);
    if (verdict === undefined) {
      const name = hostPart(host);
      verdict = name !== null && (name === 'localhost' || isIP(name) !== 0 || this.names.has(name));
      if (this.verdicts.size >= REMEMBERED_HOSTS) this.verdicts.clear();
      this.verdicts.set(host, verdict);
    }
    return verdict;
  }
}

/** Address checks without Node's `net`: the WHATWG URL parser (a pure function) knows IP syntax. */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIPv4(value: string): boolean {
  return IPV4.test(value);
}

export function isIPv6(value: string): boolean {
  if (!value.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(value)) return false;
  try {
    return new URL(`http://[${value}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

export function isIP(value: string): boolean {
  return isIPv4(value) || isIPv6(value);
}

/** `127.0.0.0/8`, `::1/128`, or a bare address (a /32 or /128). */
export function isCidr(value: string): boolean {
  const slash = value.indexOf('/');
  const address = slash === -1 ? value : value.slice(0, slash);
  const bits = slash === -1 ? null : value.slice(slash + 1);
  if (bits !== null && !/^\d{1,3}$/.test(bits)) return false;
  if (isIPv4(address)) return bits === null || Number(bits) <= 32;
  if (isIPv6(address)) return bits === null || Number(bits) <= 128;
  return false;
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * A DNS host name as written in an HTTP `Host` header (RFC 1123 labels: letters, digits, inner
 * hyphens, 1–63 characters each, at most 253 in all; a trailing dot is not accepted). IP literals are
 * not host names: they need no entry in `inbound.hostNames`.
 */
export function isHostName(value: string): boolean {
  if (value.length === 0 || value.length > 253 || isIPv4(value) || /^[0-9.]+$/.test(value)) return false;
  return value.split('.').every((label) => LABEL.test(label));
}

/**
 * The ports browsers and `fetch()` refuse to connect to: the "bad ports" of the WHATWG Fetch standard
 * (§ "port blocking"), among them SIP's 5060 and 5061 and X11's 6000.
 */
const FETCH_BAD_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137,
  139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049,
  3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/**
 * Whether browsers and `fetch()` refuse `port` (a Fetch standard "bad port"). The inbound listener must
 * not use one: the console, a CRM page, a clicked inbound URL and the CLI (Node's fetch) could not reach it.
 */
export function isFetchBlockedPort(port: number): boolean {
  return FETCH_BAD_PORTS.has(port);
}

/** Why the inbound listener cannot use a port browsers refuse, with the fix; for settings and `--port`. */
export function fetchBlockedPortMessage(port: number): string {
  return `browsers and fetch() refuse port ${port} (a "bad port" of the Fetch standard), so neither the console, a CRM page, a clicked inbound URL nor the callhook client commands could reach it; pick another port, e.g. 61234`;
}

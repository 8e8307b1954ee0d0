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

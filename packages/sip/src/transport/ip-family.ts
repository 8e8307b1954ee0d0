/**
 * Whether an IP address literal (one `dns.lookup` answered, or a settings field already checked with
 * `isIP`) is IPv6: IPv6 text forms hold a colon and IPv4's dotted quads never do (RFC 4291 §2.2, RFC
 * 791), so for these it answers what `net.isIPv6` answers. Not a validator: anything else with a colon
 * is "IPv6" too. Why not `net.isIPv6`: its first call compiles Node's IPv6 regular expression, ~5 ms on
 * the path of a SIP line's start (apps/cli/README.md, "Start-up").
 */
export function isIPv6Literal(address: string): boolean {
  return address.includes(':');
}

/** The dgram socket type for an IP address literal (see {@link isIPv6Literal}). */
export function udpTypeOf(address: string): 'udp4' | 'udp6' {
  return isIPv6Literal(address) ? 'udp6' : 'udp4';
}

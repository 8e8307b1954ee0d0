import type { SipLineSettings } from '../settings/sip-line-schema.js';
import { isIPv6 } from 'node:net';
import { advertisedAddress } from '../transport/advertised-address.js';
import { localAddressToward } from '../transport/local-address.js';
import { parseHostPort, uriHostPort, type HostPort } from '../transport/routing.js';

/**
 * Where the line's out-of-dialog requests go first (RFC 3261 §8.1.2): the outbound proxy, else the
 * registrar, else the AOR's domain (a line without either).
 */
export function firstHop(settings: Pick<SipLineSettings, 'aor' | 'registrar' | 'outboundProxy'>): HostPort {
  if (settings.outboundProxy) return parseHostPort(settings.outboundProxy);
  if (settings.registrar) return parseHostPort(settings.registrar);
  return uriHostPort(settings.aor);
}

/** The address the line binds to and the one it writes into Via, Contact and SDP. */
export interface LineAddress {
  bind: string;
  advertised: string;
}

const WILDCARDS = new Set(['0.0.0.0', '::']);

/**
 * Picks the line's addresses. Without `bindAddress` the line binds to the local address that routes to
 * its first hop (outbound proxy, registrar or the AOR's domain), as desk phones and softphones do, so a line registered
 * at a PBX on another network is reachable there. `bindAddress` overrides it; a wildcard bind (0.0.0.0, ::)
 * still advertises the address that routes to the first hop, since a wildcard cannot be written into Via,
 * Contact or SDP (when that address is of another family, or there is no route, the wildcard advertises the
 * first external interface address of its own family). Without `bindAddress` it rejects (SipError
 * `no_route`, naming the host and `line.bindAddress`) when the first hop cannot be resolved or routed to.
 */
export async function chooseLineAddress(settings: Pick<SipLineSettings, 'aor' | 'registrar' | 'outboundProxy' | 'bindAddress'>): Promise<LineAddress> {
  const { bindAddress } = settings;
  if (bindAddress === undefined) {
    const routed = await localAddressToward(firstHop(settings));
    return { bind: routed, advertised: routed };
  }
  if (!WILDCARDS.has(bindAddress)) return { bind: bindAddress, advertised: bindAddress };
  const routed = await localAddressToward(firstHop(settings)).catch(() => undefined);
  const sameFamily = routed !== undefined && isIPv6(routed) === (bindAddress === '::');
  return { bind: bindAddress, advertised: sameFamily ? routed : advertisedAddress(bindAddress) };
}

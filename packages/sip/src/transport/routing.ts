import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { SipError } from '../errors.js';
import type { Via } from '../message/via.js';
import type { Peer } from './endpoint.js';

export interface HostPort {
  host: string;
  port: number | undefined;
}

const URI_HOST = /^sips?:(?:[^@]*@)?(\[[0-9A-Fa-f:.]+\]|[^:;?>]+)(?::(\d{1,5}))?/i;

/** Host and port of a SIP URI (`sip:user@host:port;params`). */
export function uriHostPort(uri: string): HostPort {
  const match = URI_HOST.exec(uri.trim());
  if (!match) throw new SipError('no_route', `cannot route to "${uri.slice(0, 80)}"`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: match[2] ? Number(match[2]) : undefined };
}

/** Parses `host[:port]` as written in settings (`127.0.0.1:5060`, `[::1]:5060`, `pbx.local`). */
export function parseHostPort(text: string): HostPort {
  return uriHostPort(`sip:${text}`);
}

/** Where a response goes when the request's path is unknown: received/rport, else sent-by (§18.2.2). */
export function viaReturnPeer(via: Via): HostPort {
  return { host: via.received ?? via.host, port: via.rport ?? via.port };
}

/** The default port of a transport (RFC 3261 §19.1.2): 5061 for TLS, else 5060. */
export function defaultPort(protocol: string): number {
  return protocol.toUpperCase() === 'TLS' ? 5061 : 5060;
}

/** Looks up a host (A/AAAA, no NAPTR/SRV) and fills in the transport's default port; keeps the name for TLS. */
export async function resolvePeer(target: HostPort, fallbackPort = 5060): Promise<Peer> {
  const port = target.port ?? fallbackPort;
  if (isIP(target.host)) return { address: target.host, port };
  const found = await lookup(target.host);
  return { address: found.address, port, name: target.host };
}

import type { Socket } from 'node:net';
import type { KeepAliveStats } from './keep-alive.js';

export interface Peer {
  address: string;
  port: number;
  /** The host name it was looked up by, if any: what a TLS certificate must name (RFC 5922 §7.2). */
  name?: string;
}

export interface InboundMessage {
  text: string;
  from: Peer;
  /** The TCP connection it came on; responses go back on it. */
  connection?: Socket;
}

/** A bound SIP socket (UDP), listener plus connection pool (TCP), or pool of client connections (TLS). */
export interface SipEndpoint {
  readonly protocol: 'UDP' | 'TCP' | 'TLS';
  readonly local: Peer;
  onMessage: ((message: InboundMessage) => void) | undefined;
  send(text: string, to: Peer, connection?: Socket): Promise<void>;
  close(): Promise<void>;
  /**
   * Sends a NAT keep-alive to `peer` (RFC 5626 §4.4.1 CRLF ping on the open TCP/TLS connection — never
   * opening one — or a CRLF datagram over UDP). Never throws.
   */
  keepAlive(peer: Peer): void;
  readonly keepAliveStats: KeepAliveStats;
  /** Why the last connection attempt failed (TLS: the certificate and the fix), until one succeeds. */
  lastFailure?(): string | undefined;
}

export function peerKey(peer: Peer): string {
  return `${peer.address}|${peer.port}`;
}

export function formatHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

import type { Socket } from 'node:net';

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
  /** Why the last connection attempt failed (TLS: the certificate and the fix), until one succeeds. */
  lastFailure?(): string | undefined;
}

export function peerKey(peer: Peer): string {
  return `${peer.address}|${peer.port}`;
}

export function formatHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

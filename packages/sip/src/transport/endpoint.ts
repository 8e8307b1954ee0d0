import type { Socket } from 'node:net';

export interface Peer {
  address: string;
  port: number;
}

export interface InboundMessage {
  text: string;
  from: Peer;
  /** The TCP connection it came on; responses go back on it. */
  connection?: Socket;
}

/** A bound SIP socket (UDP) or listener plus connection pool (TCP). */
export interface SipEndpoint {
  readonly protocol: 'UDP' | 'TCP';
  readonly local: Peer;
  onMessage: ((message: InboundMessage) => void) | undefined;
  send(text: string, to: Peer, connection?: Socket): Promise<void>;
  close(): Promise<void>;
}

export function peerKey(peer: Peer): string {
  return `${peer.address}|${peer.port}`;
}

export function formatHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

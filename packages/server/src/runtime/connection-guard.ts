import type { Clock, TimerHandle } from '@callhook/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { systemClock } from '@callhook/node';
import { unmapIPv4 } from '../gate/allow-list.js';

/** Bounds on the TCP connections of the listener, over all its bound addresses. */
export interface ConnectionLimits {
  /** Open connections in all. Default 1024. */
  maxConnections?: number;
  /** Open connections from one peer address (IPv4 address, IPv6 /64). Default 256. */
  maxConnectionsPerPeer?: number;
  /** A connection that has not sent a request within this many ms is closed. Default 5,000. */
  firstRequestTimeoutMs?: number;
}

/** Counts since start, and what is open now; for tests and operators. */
export interface ConnectionStats {
  open: number;
  /** Most connections open at once. */
  peak: number;
  /** New connections closed at once: every place taken by a connection with a request in flight. */
  refused: number;
  /** Idle connections closed to make room for a new one. */
  evicted: number;
  /** Connections closed because they sent no request within `firstRequestTimeoutMs`. */
  idleClosed: number;
}

interface Tracked {
  socket: Socket;
  peer: string;
  inFlight: number;
  timer: TimerHandle | null;
}

/** The key a per-peer count is kept under: the IPv4 address, or the /64 of an IPv6 address. */
export function peerKey(address: string | undefined): string {
  if (!address) return '?';
  const v4 = unmapIPv4(address);
  if (!v4.includes(':')) return v4;
  let normal: string;
  try {
    normal = new URL(`http://[${v4}]/`).hostname.slice(1, -1); // lower-case, hex, '::'-compressed
  } catch {
    return v4;
  }
  const [head = '', tail] = normal.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/**
 * Keeps idle connections from starving the listener. When the total or a peer's count is at its cap,
 * a new connection first evicts the oldest idle one (no request in flight: never sent one, or
 * between keep-alive requests) — of that peer, or overall — and is closed at once only when every
 * place holds a request in flight. A connection that sends no request within
 * `firstRequestTimeoutMs` is closed. So a flood of idle sockets, even from the same address as a
 * legitimate client, costs that client at most a reconnect, never a wait.
 */
export class ConnectionGuard {
  readonly maxConnections: number;
  readonly maxConnectionsPerPeer: number;
  readonly firstRequestTimeoutMs: number;
  private readonly all = new Set<Tracked>();
  private readonly byPeer = new Map<string, Set<Tracked>>();
  private readonly bySocket = new WeakMap<Socket, Tracked>();
  private counts = { peak: 0, refused: 0, evicted: 0, idleClosed: 0 };

  constructor(
    limits: ConnectionLimits = {},
    private readonly clock: Clock = systemClock,
  ) {
    this.maxConnections = limits.maxConnections ?? 1024;
    this.maxConnectionsPerPeer = limits.maxConnectionsPerPeer ?? 256;
    this.firstRequestTimeoutMs = limits.firstRequestTimeoutMs ?? 5_000;
  }

  /** For the server's `connection` event: admits (perhaps evicting an idle one) or closes the socket. */
  readonly onConnection = (socket: Socket): void => {
    socket.on('error', () => undefined); // a reset peer must not throw out of the process
    const peer = peerKey(socket.remoteAddress);
    const mine = this.byPeer.get(peer);
    if (mine !== undefined && mine.size >= this.maxConnectionsPerPeer && !this.evictFrom(mine)) return this.refuse(socket);
    if (this.all.size >= this.maxConnections && !this.evictFrom(this.all)) return this.refuse(socket);
    const tracked: Tracked = { socket, peer, inFlight: 0, timer: null };
    tracked.timer = this.clock.setTimeout(() => this.closeIdle(tracked), this.firstRequestTimeoutMs);
    this.all.add(tracked);
    let set = this.byPeer.get(peer);
    if (set === undefined) this.byPeer.set(peer, (set = new Set()));
    set.add(tracked);
    this.bySocket.set(socket, tracked);
    if (this.all.size > this.counts.peak) this.counts.peak = this.all.size;
    socket.once('close', () => this.forget(tracked));
  };

  /** For every request: its connection is busy until the response is closed. */
  requestStarted(req: IncomingMessage, res: ServerResponse): void {
    const tracked = this.bySocket.get(req.socket);
    if (tracked === undefined) return;
    tracked.inFlight++;
    if (tracked.timer !== null) {
      this.clock.clearTimeout(tracked.timer);
      tracked.timer = null;
    }
    res.once('close', () => tracked.inFlight--);
  }

  /** Whether a request on this connection has a response under way (nothing else may be written on it). */
  busy(socket: object): boolean {
    return (this.bySocket.get(socket as Socket)?.inFlight ?? 0) > 0;
  }

  /** Open connections from the peer that `address` belongs to. */
  connectionsOf(address: string): number {
    return this.byPeer.get(peerKey(address))?.size ?? 0;
  }

  stats(): ConnectionStats {
    return { open: this.all.size, ...this.counts };
  }

  private evictFrom(set: Set<Tracked>): boolean {
    for (const tracked of set) {
      if (tracked.inFlight > 0) continue;
      this.counts.evicted++;
      this.forget(tracked);
      tracked.socket.destroy();
      return true;
    }
    return false;
  }

  private refuse(socket: Socket): void {
    this.counts.refused++;
    socket.destroy();
  }

  private closeIdle(tracked: Tracked): void {
    tracked.timer = null;
    if (tracked.inFlight > 0 || !this.all.has(tracked)) return;
    this.counts.idleClosed++;
    this.forget(tracked);
    tracked.socket.destroy();
  }

  private forget(tracked: Tracked): void {
    if (!this.all.delete(tracked)) return;
    if (tracked.timer !== null) this.clock.clearTimeout(tracked.timer);
    tracked.timer = null;
    const set = this.byPeer.get(tracked.peer);
    set?.delete(tracked);
    if (set?.size === 0) this.byPeer.delete(tracked.peer);
  }
}

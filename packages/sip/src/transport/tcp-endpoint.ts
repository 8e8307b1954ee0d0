import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Clock, Logger } from '@callhook/core';
import { peekSipMessage } from '../message/peek.js';
import { systemClock } from '@callhook/node';
import { peerKey, type InboundMessage, type Peer, type SipEndpoint } from './endpoint.js';
import { ConnectionPinger, type KeepAliveStats } from './keep-alive.js';
import { TcpFramer } from './tcp-framer.js';

/**
 * Limits against connection floods: connections open at once (inbound and outbound), per remote IP
 * address, and ms an inbound connection may take to deliver its first valid SIP message.
 */
export interface TcpLimits {
  maxConnections: number;
  maxConnectionsPerPeer: number;
  firstMessageTimeoutMs: number;
}

export const DEFAULT_TCP_LIMITS: TcpLimits = { maxConnections: 256, maxConnectionsPerPeer: 16, firstMessageTimeoutMs: 5_000 };
/** Refused connections are logged once, then every this many, so a flood does not flood the log. */
const REFUSAL_LOG_EVERY = 100;

const CONNECT_TIMEOUT_MS = 5_000;
/** Connections without traffic for this long are closed (a registrar reopens them to our Contact). */
const IDLE_TIMEOUT_MS = 15 * 60_000;

/**
 * Listens for SIP over TCP and keeps one connection per peer, reused in both directions. Inbound
 * connections beyond `limits` are closed at once; one that sends no valid SIP message within
 * `firstMessageTimeoutMs` (on the injected clock) is closed, so idle sockets cannot use up descriptors.
 */
export class TcpEndpoint implements SipEndpoint {
  readonly protocol = 'TCP';
  onMessage: ((message: InboundMessage) => void) | undefined;
  readonly keepAliveStats: KeepAliveStats = { sent: 0, answered: 0 };
  private readonly pingers = new Map<Socket, ConnectionPinger>();
  /** Inbound connections closed because a limit was reached (diagnostics and tests). */
  refusedConnections = 0;
  private readonly connections = new Map<string, Socket>();
  private readonly pending = new Map<string, Promise<Socket>>();
  private readonly perAddress = new Map<string, number>();
  private open = 0;

  private constructor(
    private readonly server: Server,
    readonly local: Peer,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly limits: TcpLimits,
  ) {}

  /** Connections open now (inbound and outbound). */
  get openConnections(): number {
    return this.open;
  }

  /** Binds the listener; `options.clock` times first-message deadlines (default: the system clock). */
  static async listen(address: string, port: number, logger: Logger, options: { clock?: Clock; limits?: TcpLimits } = {}): Promise<TcpEndpoint> {
    const clock = options.clock ?? systemClock;
    const limits = options.limits ?? DEFAULT_TCP_LIMITS;
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: address, port, ipv6Only: address.includes(':') }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const bound = server.address();
    const endpoint = new TcpEndpoint(server, { address, port: typeof bound === 'object' && bound ? bound.port : port }, logger, clock, limits);
    server.on('connection', (socket) => endpoint.accept(socket));
    // Accept failures (EMFILE when descriptors run out) arrive here; the listener keeps listening.
    server.on('error', (error) => logger.log('warn', 'sip tcp listener error', { error: error.message }));
    return endpoint;
  }

  async send(text: string, to: Peer, connection?: Socket): Promise<void> {
    const socket = connection && !connection.destroyed ? connection : await this.connectionTo(to);
    await new Promise<void>((resolve, reject) => socket.write(text, (error) => (error ? reject(error) : resolve())));
  }

  keepAlive(peer: Peer): void {
    const socket = this.connections.get(peerKey(peer));
    if (socket) this.pingers.get(socket)?.ping();
  }

  async close(): Promise<void> {
    for (const socket of this.connections.values()) socket.destroy();
    this.connections.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private connectionTo(to: Peer): Promise<Socket> {
    const key = peerKey(to);
    const open = this.connections.get(key);
    if (open && !open.destroyed) return Promise.resolve(open);
    const waiting = this.pending.get(key);
    if (waiting) return waiting;
    const opening = new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: to.address, port: to.port, timeout: CONNECT_TIMEOUT_MS });
      socket.once('connect', () => {
        socket.setTimeout(0);
        this.adopt(socket);
        resolve(socket);
      });
      socket.once('timeout', () => socket.destroy(new Error(`connect to ${to.address}:${to.port} timed out`)));
      socket.once('error', reject);
    }).finally(() => this.pending.delete(key));
    this.pending.set(key, opening);
    return opening;
  }

  /** An inbound connection: refused beyond the limits, else adopted with a first-message deadline. */
  private accept(socket: Socket): void {
    const address = socket.remoteAddress ?? '';
    const reason =
      this.open >= this.limits.maxConnections
        ? `${this.limits.maxConnections} connections open`
        : (this.perAddress.get(address) ?? 0) >= this.limits.maxConnectionsPerPeer
          ? `${this.limits.maxConnectionsPerPeer} connections from ${address}`
          : undefined;
    if (reason) {
      socket.destroy();
      if (this.refusedConnections++ % REFUSAL_LOG_EVERY === 0) {
        this.logger.log('warn', 'sip tcp connection refused: limit reached', { peer: address, reason, refused: this.refusedConnections });
      }
      return;
    }
    const deadline = this.clock.setTimeout(() => {
      this.logger.log('info', 'sip tcp connection closed: no valid SIP message in time', {
        peer: `${address}|${socket.remotePort ?? 0}`,
        ms: this.limits.firstMessageTimeoutMs,
      });
      socket.destroy();
    }, this.limits.firstMessageTimeoutMs);
    let valid = false;
    const settle = () => {
      if (valid) return;
      valid = true;
      this.clock.clearTimeout(deadline);
    };
    socket.once('close', settle);
    this.adopt(socket, (text) => {
      if (valid) return;
      try {
        peekSipMessage(text);
        settle();
      } catch {
        // not valid: the deadline still runs
      }
    });
  }

  private adopt(socket: Socket, onFramed?: (text: string) => void): void {
    const from: Peer = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    const key = peerKey(from);
    this.connections.set(key, socket);
    this.open++;
    this.perAddress.set(from.address, (this.perAddress.get(from.address) ?? 0) + 1);
    // Each SIP message is one write: Nagle would only hold its last segment for the peer's delayed ACK.
    socket.setNoDelay(true);
    const framer = new TcpFramer();
    const pinger = new ConnectionPinger(socket, this.clock, this.keepAliveStats, () => {
      this.logger.log('warn', 'sip keep-alive unanswered: closing connection', { peer: key });
      socket.destroy();
    });
    this.pingers.set(socket, pinger);
    socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      let messages: string[];
      const keepAlives = framer.keepAlives;
      try {
        messages = framer.push(chunk);
        if (framer.keepAlives > keepAlives) pinger.pong();
      } catch (error) {
        this.logger.log('warn', 'sip tcp framing error: closing connection', { peer: key, error: (error as Error).message });
        socket.destroy();
        return;
      }
      for (const text of messages) {
        onFramed?.(text);
        this.onMessage?.({ text, from, connection: socket });
      }
    });
    socket.on('error', (error) => this.logger.log('debug', 'sip tcp connection error', { peer: key, error: error.message }));
    socket.on('close', () => {
      pinger.stop();
      this.pingers.delete(socket);
      this.open--;
      const left = (this.perAddress.get(from.address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(from.address, left);
      else this.perAddress.delete(from.address);
      if (this.connections.get(key) === socket) this.connections.delete(key);
    });
  }
}

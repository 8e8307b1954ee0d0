import { isIP, type Socket } from 'node:net';
import { connect, type SecureContext, type TLSSocket } from 'node:tls';
import type { Clock, Logger, TimerHandle } from '@callhook/core';
import { SipError } from '../errors.js';
import { peerKey, type InboundMessage, type Peer, type SipEndpoint } from './endpoint.js';
import { ConnectionPinger, type KeepAliveStats } from './keep-alive.js';
import { TcpFramer } from './tcp-framer.js';
import { secureContextFor, type TlsClientMaterial } from './tls-trust.js';
import { verifyServerCertificate } from './tls-verify.js';
import { forgetSession, keepSession, resumableSession, tlsSessionKey } from './tls-sessions.js';

export interface TlsEndpointOptions {
  /** Local address connections are made from (a wildcard lets the system choose). */
  bindAddress: string;
  material: TlsClientMaterial;
  /** The name server certificates must carry instead of the host dialled (`line.tls.serverName`). */
  serverName?: string | undefined;
  clock: Clock;
  logger: Logger;
}

const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Reconnection backoff per peer after a failed attempt: 1 s doubling to 60 s, reset by a success. */
const BACKOFF_FIRST_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;
const WILDCARDS = new Set(['0.0.0.0', '::']);

interface Backoff {
  failures: number;
  notBefore: number;
}

/**
 * SIP over TLS (RFC 3261 §26.3.1, RFC 5246/8446) as a client: TLS 1.2 or later only, the server's
 * certificate checked against the trusted CAs and the name dialled (SNI sent for host names), an optional
 * client certificate. There is no listener: like a phone behind NAT, the line opens the connection to its
 * registrar or proxy and takes requests on it (connection reuse, RFC 5923 §1 / RFC 5626 §3); one connection
 * per peer, reused both ways. A failed attempt makes the next one to that peer wait (exponential backoff).
 * A certificate that fails verification closes the connection before any byte of SIP is written; there is
 * never a fallback to TCP or UDP.
 */
export class TlsEndpoint implements SipEndpoint {
  readonly protocol = 'TLS';
  onMessage: ((message: InboundMessage) => void) | undefined;
  readonly keepAliveStats: KeepAliveStats = { sent: 0, answered: 0 };
  private readonly pingers = new Map<Socket, ConnectionPinger>();
  /** Called when a connection has closed (the line re-registers when it was its registrar's). */
  onClosed: ((peer: Peer) => void) | undefined;
  private readonly connections = new Map<string, { socket: TLSSocket; peer: Peer }>();
  private readonly pending = new Map<string, Promise<TLSSocket>>();
  private readonly backoff = new Map<string, Backoff>();
  private readonly sleeping = new Map<TimerHandle, () => void>();
  private failure: string | undefined;
  private localPort = 0;
  private closed = false;
  private context: SecureContext | undefined;

  constructor(private readonly options: TlsEndpointOptions) {}

  /** The bind address, and the local port of the connection opened last (0 before the first). */
  get local(): Peer {
    return { address: this.options.bindAddress, port: this.localPort };
  }

  lastFailure(): string | undefined {
    return this.failure;
  }

  /** Connects to `peer` unless connected; resolves with the connection's local address and port. */
  async open(peer: Peer): Promise<Peer> {
    const socket = await this.connectionTo(peer);
    return { address: socket.localAddress ?? this.options.bindAddress, port: socket.localPort ?? 0 };
  }

  async send(text: string, to: Peer, connection?: Socket): Promise<void> {
    const socket = connection && !connection.destroyed ? connection : await this.connectionTo(to);
    await new Promise<void>((resolve, reject) => socket.write(text, (error) => (error ? reject(error) : resolve())));
  }

  keepAlive(peer: Peer): void {
    const open = this.connections.get(peerKey(peer));
    if (open) this.pingers.get(open.socket)?.ping();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const [timer, wake] of this.sleeping) {
      this.options.clock.clearTimeout(timer);
      wake();
    }
    this.sleeping.clear();
    for (const { socket } of this.connections.values()) socket.destroy();
    this.connections.clear();
  }

  private connectionTo(to: Peer): Promise<TLSSocket> {
    const key = peerKey(to);
    const open = this.connections.get(key);
    if (open && !open.socket.destroyed) return Promise.resolve(open.socket);
    const waiting = this.pending.get(key);
    if (waiting) return waiting;
    const opening = this.dial(to, key).finally(() => this.pending.delete(key));
    this.pending.set(key, opening);
    return opening;
  }

  private async dial(to: Peer, key: string): Promise<TLSSocket> {
    if (this.closed) throw new SipError('transport_closed', 'the TLS transport is closed');
    const backoff = this.backoff.get(key);
    const wait = backoff ? backoff.notBefore - this.options.clock.now() : 0;
    if (wait > 0) await this.sleep(wait);
    if (this.closed) throw new SipError('transport_closed', 'the TLS transport is closed');
    try {
      const socket = await this.handshake(to);
      this.backoff.delete(key);
      this.failure = undefined;
      this.adopt(socket, to, key);
      return socket;
    } catch (error) {
      const failures = (backoff?.failures ?? 0) + 1;
      const delay = Math.min(BACKOFF_FIRST_MS * 2 ** (failures - 1), BACKOFF_MAX_MS);
      this.backoff.set(key, { failures, notBefore: this.options.clock.now() + delay });
      this.failure = (error as Error).message;
      this.options.logger.log('warn', 'sip tls connection failed', { peer: key, error: this.failure, retryInMs: delay });
      throw error;
    }
  }

  private handshake(to: Peer): Promise<TLSSocket> {
    const { bindAddress, clock } = this.options;
    this.context ??= secureContextFor(this.options.material);
    const serverName = this.options.serverName ?? to.name ?? to.address;
    const context = this.context;
    const sessionKey = tlsSessionKey(serverName, to.address, to.port);
    const session = resumableSession(context, sessionKey);
    return new Promise<TLSSocket>((resolve, reject) => {
      const socket = connect({
        host: to.address,
        port: to.port,
        ...(WILDCARDS.has(bindAddress) ? {} : { localAddress: bindAddress }),
        ...(isIP(serverName) ? {} : { servername: serverName }),
        secureContext: context,
        ...(session ? { session } : {}),
        // Verified below, before anything is written, so the refusal can name the certificate and the fix.
        rejectUnauthorized: false,
      });
      // TLS 1.3 tickets come after the handshake: kept once this connection's certificate passed our checks.
      let verified = false;
      socket.on('session', (ticket: Buffer) => {
        if (verified) keepSession(context, sessionKey, ticket);
      });
      // Each SIP message is one write: Nagle would only hold the handshake's and the messages' last segments for a delayed ACK.
      socket.setNoDelay(true);
      const timer = clock.setTimeout(
        () => socket.destroy(new SipError('tls_handshake', `TLS handshake with ${serverName} (${to.address}:${to.port}) timed out`)),
        HANDSHAKE_TIMEOUT_MS,
      );
      socket.once('secureConnect', () => {
        clock.clearTimeout(timer);
        // A resumed session is one this context verified for this name and address (only those are kept):
        // the server presents no certificate again, and OpenSSL carries the first verdict in `authorized`.
        const resumed = session !== undefined && socket.isSessionReused() && socket.authorized;
        const refusal = resumed ? undefined : verifyServerCertificate(socket, serverName);
        if (refusal) {
          forgetSession(context, sessionKey);
          socket.destroy();
          reject(refusal);
          return;
        }
        verified = true;
        if (resumed) this.options.logger.log('debug', 'sip tls session resumed', { peer: sessionKey });
        resolve(socket);
      });
      socket.once('error', (error) => {
        clock.clearTimeout(timer);
        if (!verified) forgetSession(context, sessionKey);
        socket.destroy();
        reject(
          error instanceof SipError
            ? error
            : new SipError('tls_handshake', `TLS connection to ${serverName} (${to.address}:${to.port}) failed: ${error.message}`),
        );
      });
    });
  }

  private adopt(socket: TLSSocket, peer: Peer, key: string): void {
    this.connections.set(key, { socket, peer });
    this.localPort = socket.localPort ?? 0;
    const framer = new TcpFramer();
    const pinger = new ConnectionPinger(socket, this.options.clock, this.keepAliveStats, () => {
      this.options.logger.log('warn', 'sip keep-alive unanswered: closing connection', { peer: key });
      socket.destroy();
    });
    this.pingers.set(socket, pinger);
    socket.on('data', (chunk: Buffer) => {
      let messages: string[];
      const keepAlives = framer.keepAlives;
      try {
        messages = framer.push(chunk);
        if (framer.keepAlives > keepAlives) pinger.pong();
      } catch (error) {
        this.options.logger.log('warn', 'sip tls framing error: closing connection', { peer: key, error: (error as Error).message });
        socket.destroy();
        return;
      }
      for (const text of messages) this.onMessage?.({ text, from: peer, connection: socket });
    });
    socket.on('error', (error) => this.options.logger.log('debug', 'sip tls connection error', { peer: key, error: error.message }));
    socket.on('close', () => {
      pinger.stop();
      this.pingers.delete(socket);
      if (this.connections.get(key)?.socket === socket) this.connections.delete(key);
      if (this.closed) return;
      this.options.logger.log('info', 'sip tls connection closed', { peer: key });
      try {
        this.onClosed?.(peer);
      } catch (error) {
        this.options.logger.log('warn', 'sip tls close handler failed', { error: (error as Error).message });
      }
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.options.clock.setTimeout(() => {
        this.sleeping.delete(timer);
        resolve();
      }, ms);
      this.sleeping.set(timer, resolve);
    });
  }
}

import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '@callhook/core';
import { peerKey, type InboundMessage, type Peer, type SipEndpoint } from './endpoint.js';
import { TcpFramer } from './tcp-framer.js';

const CONNECT_TIMEOUT_MS = 5_000;
/** Connections without traffic for this long are closed (a registrar reopens them to our Contact). */
const IDLE_TIMEOUT_MS = 15 * 60_000;

/** Listens for SIP over TCP and keeps one connection per peer, reused in both directions. */
export class TcpEndpoint implements SipEndpoint {
  readonly protocol = 'TCP';
  onMessage: ((message: InboundMessage) => void) | undefined;
  private readonly connections = new Map<string, Socket>();
  private readonly pending = new Map<string, Promise<Socket>>();

  private constructor(
    private readonly server: Server,
    readonly local: Peer,
    private readonly logger: Logger,
  ) {}

  static async listen(address: string, port: number, logger: Logger): Promise<TcpEndpoint> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: address, port, ipv6Only: address.includes(':') }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const bound = server.address();
    const endpoint = new TcpEndpoint(server, { address, port: typeof bound === 'object' && bound ? bound.port : port }, logger);
    server.on('connection', (socket) => endpoint.adopt(socket));
    server.on('error', (error) => logger.log('warn', 'sip tcp listener error', { error: error.message }));
    return endpoint;
  }

  async send(text: string, to: Peer, connection?: Socket): Promise<void> {
    const socket = connection && !connection.destroyed ? connection : await this.connectionTo(to);
    await new Promise<void>((resolve, reject) => socket.write(text, (error) => (error ? reject(error) : resolve())));
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

  private adopt(socket: Socket): void {
    const from: Peer = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    const key = peerKey(from);
    this.connections.set(key, socket);
    const framer = new TcpFramer();
    socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      let messages: string[];
      try {
        messages = framer.push(chunk);
      } catch (error) {
        this.logger.log('warn', 'sip tcp framing error: closing connection', { peer: key, error: (error as Error).message });
        socket.destroy();
        return;
      }
      for (const text of messages) this.onMessage?.({ text, from, connection: socket });
    });
    socket.on('error', (error) => this.logger.log('debug', 'sip tcp connection error', { peer: key, error: error.message }));
    socket.on('close', () => {
      if (this.connections.get(key) === socket) this.connections.delete(key);
    });
  }
}

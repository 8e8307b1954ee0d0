import type { FastifyInstance } from 'fastify';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionGuard, type ConnectionLimits } from './connection-guard.js';

export interface Listeners {
  urls: string[];
  port: number;
  /** The connection bounds shared by every bound address, with their counts. */
  connections: ConnectionGuard;
  close(): Promise<void>;
}

/** HTTP timeouts of the listener, in ms. */
export interface HttpTimeouts {
  /** Whole request (headers and body) must arrive within this. Default 30,000. */
  requestTimeoutMs?: number;
  /** Headers must arrive within this. Default 5,000. */
  headersTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this. Default 5,000. */
  keepAliveTimeoutMs?: number;
  /** How often Node checks the two timeouts above (its default, 30 s, let slow sockets linger). Default 1,000. */
  connectionsCheckingIntervalMs?: number;
}

export type ListenerLimits = ConnectionLimits & HttpTimeouts;

export function urlFor(address: string, port: number): string {
  return address.includes(':') ? `http://[${address}]:${port}/` : `http://${address}:${port}/`;
}

function listenOne(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, ipv6Only: host.includes(':') }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Binds the app on every `inbound.listen` address (fastify's own listen takes one). Port 0 picks a
 * free port on the first address and reuses it for the rest, so all addresses share one port.
 * Connections are bounded by one `ConnectionGuard` over all addresses; HTTP timeouts by `limits`.
 */
export async function listenAll(app: FastifyInstance, addresses: readonly string[], port: number, limits: ListenerLimits = {}): Promise<Listeners> {
  await app.ready();
  const guard = new ConnectionGuard(limits);
  const servers: Server[] = [];
  const urls: string[] = [];
  let boundPort = port;
  const closeAll = async () => {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  };
  try {
    for (const address of addresses) {
      const server = createServer(
        {
          requestTimeout: limits.requestTimeoutMs ?? 30_000,
          headersTimeout: limits.headersTimeoutMs ?? 5_000,
          keepAliveTimeout: limits.keepAliveTimeoutMs ?? 5_000,
          connectionsCheckingInterval: limits.connectionsCheckingIntervalMs ?? 1_000,
        },
        (req, res) => {
          guard.requestStarted(req, res);
          app.routing(req, res);
        },
      );
      // A backstop only: the guard keeps the count at maxConnections and evicts idle ones first,
      // which Node's own limit (closing every new connection) would not let it do.
      server.maxConnections = guard.maxConnections + 64;
      server.on('connection', guard.onConnection);
      servers.push(server);
      boundPort = await listenOne(server, address, boundPort);
      urls.push(urlFor(address, boundPort));
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  return { urls, port: boundPort, connections: guard, close: closeAll };
}

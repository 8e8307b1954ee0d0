import { MAX_REQUEST_TARGET } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
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

/** The answer to a request Node's HTTP parser refused before any route saw it, as the listener's other errors. */
function parserRefusal(code: string | undefined): string {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return `request line and headers are too long (over 16 KiB); a request target takes at most ${MAX_REQUEST_TARGET} characters: shorten it`;
  }
  return 'malformed HTTP request; inbound Action URLs are GET /?action=<name>&… over HTTP/1.1';
}

/**
 * The server's `clientError` listener: a request Node's parser refuses (a request target or headers over
 * its 16 KiB limit, a malformed request line) gets the listener's JSON `400 bad_request` answer with the
 * fix instead of Node's bare status line; a request that came too slowly keeps Node's bare 408. As Node
 * does, nothing is written on a connection whose response is under way (`busy`), and the connection is
 * closed after the answer.
 */
export function answerClientError(busy: (socket: Duplex) => boolean): (error: Error & { code?: string }, socket: Duplex) => void {
  return (error, socket) => {
    if (error.code !== 'ECONNRESET' && socket.writable && !busy(socket)) {
      if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
        socket.write('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
      } else {
        const body = JSON.stringify({ ok: false, code: 'bad_request', message: parserRefusal(error.code) });
        socket.write(
          'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n' +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
    }
    socket.destroy();
  };
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
      server.on(
        'clientError',
        answerClientError((socket) => guard.busy(socket)),
      );
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

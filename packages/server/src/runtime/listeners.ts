import type { FastifyInstance } from 'fastify';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listeners {
  urls: string[];
  port: number;
  close(): Promise<void>;
}

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
 */
export async function listenAll(app: FastifyInstance, addresses: readonly string[], port: number): Promise<Listeners> {
  await app.ready();
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
      const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 }, (req, res) => app.routing(req, res));
      servers.push(server);
      boundPort = await listenOne(server, address, boundPort);
      urls.push(urlFor(address, boundPort));
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  return { urls, port: boundPort, close: closeAll };
}

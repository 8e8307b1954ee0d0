import type { Logger } from '@callhook/core';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { splitEventPath } from './parse-event.js';

/** What a line registers to hear its phone: the phone's addresses and a handler for the URL rest after the secret. */
export interface EventRoute {
  /** The addresses the phone's requests may come from (IPv4 as dotted quad, IPv6 as written by Node). */
  allowedAddresses: ReadonlySet<string>;
  /** Handles `rest` (`<event>/…?…`); returns an error string for a bad event, null when taken. */
  handle(rest: string): string | null;
  logger: Logger;
}

interface SharedServer {
  server: Server;
  routes: Map<string, EventRoute>;
  ready: Promise<void>;
}

/** A plain address: `::ffff:192.0.2.1` → `192.0.2.1`. */
export function plainAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * The phones' event listener: one node:http server per `listen:port`, shared by every line of this
 * process that listens there, each line under its own secret (`/phone/<secret>/…`; phones cannot
 * send auth headers). A request is answered 404 for an unknown secret, 403 from an address other than
 * the line's phone, 400 for a bad event (each logged once per request as a warning), 200 otherwise.
 * No request handler throws.
 */
export class EventListeners {
  private readonly servers = new Map<string, SharedServer>();

  /** Adds `route` under `secret` on `listen:port`, starting the server if needed. Rejects when the port cannot be bound. */
  async add(listen: string, port: number, secret: string, route: EventRoute): Promise<void> {
    const key = `${listen}|${port}`;
    let shared = this.servers.get(key);
    if (!shared) {
      const routes = new Map<string, EventRoute>();
      const server = createServer({ requestTimeout: 10_000, headersTimeout: 5_000 }, (request, response) => answer(routes, request, response));
      server.keepAliveTimeout = 5_000;
      const ready = new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, listen, () => {
          server.off('error', reject);
          server.on('error', () => undefined);
          resolve();
        });
      });
      shared = { server, routes, ready };
      this.servers.set(key, shared);
      try {
        await ready;
      } catch (error) {
        this.servers.delete(key);
        throw error;
      }
    } else {
      await shared.ready;
    }
    if (shared.routes.has(secret)) throw new Error(`another line already listens on ${listen}:${port} with the same secret`);
    shared.routes.set(secret, route);
  }

  /** Removes the route; the server closes with its last route. */
  async remove(listen: string, port: number, secret: string): Promise<void> {
    const key = `${listen}|${port}`;
    const shared = this.servers.get(key);
    if (!shared) return;
    shared.routes.delete(secret);
    if (shared.routes.size > 0) return;
    this.servers.delete(key);
    await new Promise<void>((resolve) => {
      shared.server.close(() => resolve());
      shared.server.closeAllConnections();
    });
  }
}

function answer(routes: Map<string, EventRoute>, request: IncomingMessage, response: ServerResponse): void {
  try {
    const reply = (status: number, text: string) => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      response.end(text);
    };
    request.resume();
    const path = splitEventPath(request.url ?? '');
    const route = path ? routes.get(path.secret) : undefined;
    if (!path || !route) return reply(404, 'no such event URL\n');
    const from = plainAddress(request.socket.remoteAddress);
    if (!route.allowedAddresses.has(from)) {
      route.logger.log('warn', 'phone event refused: not from the phone', { from });
      return reply(403, 'only the phone of this line may call this URL\n');
    }
    if (request.method !== 'GET' && request.method !== 'POST') return reply(405, 'GET or POST\n');
    const problem = route.handle(path.rest);
    if (problem) {
      route.logger.log('warn', `phone event refused: ${problem}`, { from });
      return reply(400, `${problem}\n`);
    }
    reply(200, 'ok\n');
  } catch (error) {
    try {
      response.destroy();
    } catch {
      // the socket is gone already
    }
    void error;
  }
}

/** The process-wide listeners (lines of one process share ports). */
export const eventListeners = new EventListeners();

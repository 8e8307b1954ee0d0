import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';

/** One request the receiver got: `url` is the request target (path and query), `at` when it ended (epoch ms). */
export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export type Handler = (req: Received, res: ServerResponse) => void;

/**
 * A real HTTP server on 127.0.0.1 (HTTPS when given a key and certificate) that records every request
 * in `received` and lets `handler` answer it; a test may swap the handler between requests.
 */
export async function startReceiver(handler: Handler = (_r, res) => res.end('ok'), tls?: { key: string; cert: string }) {
  const received: Received[] = [];
  const state = { handler };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at: Date.now() };
      received.push(entry);
      state.handler(entry, res);
    });
  };
  const server: Server = tls ? createHttps(tls, onRequest) : createHttp(onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    received,
    setHandler(next: Handler) {
      state.handler = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

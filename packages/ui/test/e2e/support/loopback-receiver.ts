import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
}

export interface LoopbackReceiver {
  origin: string;
  received: ReceivedRequest[];
  /** Resolves with the first request whose URL matches, polling for at most `timeoutMs`. */
  waitFor(match: (request: ReceivedRequest) => boolean, timeoutMs?: number): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

/** A plain HTTP server on 127.0.0.1 that answers 200 and remembers every request: the slot's target. */
export async function startReceiver(): Promise<LoopbackReceiver> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    received.push({ method: req.method ?? 'GET', url: req.url ?? '/' });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    async waitFor(match, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const hit = received.find(match);
        if (hit) return hit;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no matching request within ${timeoutMs} ms; received: ${JSON.stringify(received)}`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

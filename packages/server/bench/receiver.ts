import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback receiver that only counts requests; the count is the bench's ground truth. */
export async function countingReceiver() {
  const state = { count: 0 };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.count++;
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export async function waitForCount(state: { count: number }, expected: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (state.count < expected) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return true;
}

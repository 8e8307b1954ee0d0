import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback receiver that counts requests (the bench's ground truth). With `recordArrivals` on it also
 * notes when each arrived, as flat [url, performance.now()] pairs; off for throughput runs, where the
 * extra work and retained strings would slow both sides of a comparison alike.
 */
export async function countingReceiver() {
  const state = { count: 0, recordArrivals: false, arrivals: [] as (string | number)[] };
  const server = createServer((req, res) => {
    if (state.recordArrivals) state.arrivals.push(req.url ?? '', performance.now());
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
    close: () =>
      new Promise<void>((resolve) => {
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

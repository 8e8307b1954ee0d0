import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP receiver on 127.0.0.1 for the benches' Action URLs: answers every request 200 and counts
 * requests by the first path segment (the action, e.g. `/connected?…` → `connected`).
 */
export async function countingReceiver(): Promise<{ url: string; counts: Map<string, number>; close(): Promise<void> }> {
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const action = (req.url ?? '').split('?')[0]!.slice(1);
      counts.set(action, (counts.get(action) ?? 0) + 1);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, counts, close: () => new Promise<void>((r) => server.close(() => r())) };
}

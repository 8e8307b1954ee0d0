import { connect } from 'node:net';
import { sleep } from '@callhook/test-support';

/** Waits until something accepts TCP connections on the port (bounded). */
export async function waitForTcp(port: number, timeoutMs = 5_000, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on tcp ${host}:${port} after ${timeoutMs} ms`);
}

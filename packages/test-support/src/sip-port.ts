import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

async function tryPort(port: number, host: string): Promise<number | undefined> {
  const udp = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const udpPort = await new Promise<number | undefined>((resolve) => {
    udp.once('error', () => resolve(undefined));
    udp.bind(port, host, () => resolve(udp.address().port));
  });
  if (udpPort === undefined) return undefined;
  const tcp = createServer();
  const ok = await new Promise<boolean>((resolve) => {
    tcp.once('error', () => resolve(false));
    tcp.listen(udpPort, host, () => resolve(true));
  });
  await new Promise<void>((resolve) => udp.close(() => resolve()));
  if (ok) await new Promise<void>((resolve) => tcp.close(() => resolve()));
  return ok ? udpPort : undefined;
}

/** A port free for both UDP and TCP on `host` (loopback by default; at most 20 attempts), as a SIP peer needs. */
export async function freeSipPort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await tryPort(0, host);
    if (port !== undefined) return port;
  }
  throw new Error('no free port for UDP and TCP after 20 attempts');
}

/** Whether `port` is free for both UDP and TCP on `host` right now. */
export async function isSipPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return (await tryPort(port, host)) === port;
}

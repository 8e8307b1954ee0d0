import { connect, type Socket } from 'node:net';

/** A TCP connection to 127.0.0.1:port, resolved once connected; errors are kept, never thrown. */
export function openSocket(port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Sends a GET and returns the socket; with `read: false` the socket is paused and never read. */
export async function rawGet(port: number, path: string, read: boolean): Promise<{ socket: Socket; received: () => string; closed: () => boolean }> {
  const socket = await openSocket(port);
  let text = '';
  let closed = false;
  socket.on('close', () => (closed = true));
  if (read) socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  else socket.pause();
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  return { socket, received: () => text, closed: () => closed };
}

import { createSocket } from 'node:dgram';
import { connect, createServer, type Socket } from 'node:net';
import { TcpFramer } from '../../../src/index.js';

/** Where a message came from; over TCP, the connection it came on (answers go back on it). */
export interface WirePeer {
  address: string;
  port: number;
  connection?: Socket;
}

/** The fake phone's socket: UDP datagrams or TCP connections framed by Content-Length. */
export interface Wire {
  readonly protocol: 'UDP' | 'TCP';
  readonly port: number;
  onMessage: (text: string, from: WirePeer) => void;
  /** Sends `text` (on `to.connection` when it is open, else to its address); a closed wire drops it. */
  send(text: string, to: WirePeer): void;
  close(): Promise<void>;
}

/** Binds a UDP socket or TCP listener on loopback `port` (0: any free one). */
export async function openWire(protocol: 'udp' | 'tcp', port: number): Promise<Wire> {
  return protocol === 'udp' ? openUdp(port) : openTcp(port);
}

async function openUdp(port: number): Promise<Wire> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve());
  });
  const wire: Wire = {
    protocol: 'UDP',
    port: socket.address().port,
    onMessage: () => undefined,
    send: (text, to) => {
      try {
        socket.send(text, to.port, to.address);
      } catch {
        // closed: the phone is gone
      }
    },
    close: () =>
      new Promise((resolve) => {
        try {
          socket.close(() => resolve());
        } catch {
          resolve();
        }
      }),
  };
  socket.on('message', (data, from) => wire.onMessage(data.toString('utf8'), { address: from.address, port: from.port }));
  return wire;
}

async function openTcp(port: number): Promise<Wire> {
  const connections = new Set<Socket>();
  let boundPort = port;
  const wire: Wire = {
    protocol: 'TCP',
    get port() {
      return boundPort;
    },
    onMessage: () => undefined,
    send: (text, to) => {
      let connection = to.connection && !to.connection.destroyed ? to.connection : undefined;
      if (!connection) {
        connection = connect(to.port, to.address);
        adopt(connection);
      }
      connection.write(text);
    },
    close: () =>
      new Promise((resolve) => {
        for (const connection of connections) connection.destroy();
        server.close(() => resolve());
      }),
  };
  function adopt(connection: Socket): void {
    connections.add(connection);
    const framer = new TcpFramer();
    connection.on('data', (chunk) => {
      try {
        for (const text of framer.push(chunk))
          wire.onMessage(text, { address: connection.remoteAddress ?? '127.0.0.1', port: connection.remotePort ?? 0, connection });
      } catch {
        connection.destroy();
      }
    });
    connection.on('error', () => undefined);
    connection.on('close', () => connections.delete(connection));
  }
  const server = createServer(adopt);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (typeof address === 'object' && address) boundPort = address.port;
  return wire;
}

import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Logger } from '@callhook/core';
import type { InboundMessage, Peer, SipEndpoint } from './endpoint.js';
import { CRLF_PING, type KeepAliveStats } from './keep-alive.js';

/**
 * The receive buffer asked for (SO_RCVBUF; Linux caps it at net.core.rmem_max, 4 MiB on common
 * distributions, 208 KiB by default otherwise). While the process is busy the kernel keeps the datagrams
 * that arrive; at the default 208 KiB a burst of a few hundred INVITEs under overload filled it, and the
 * BYEs and ACKs behind them were dropped (issue 17): a call then ended only when the caller's BYE
 * retransmission got through, seconds late. Reading is cheap now (new INVITEs wait in InviteAdmission or
 * are refused), so a deep buffer costs little latency and loses nothing.
 */
const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

export class UdpEndpoint implements SipEndpoint {
  readonly protocol = 'UDP';
  onMessage: ((message: InboundMessage) => void) | undefined;
  readonly keepAliveStats: KeepAliveStats = { sent: 0, answered: 0 };

  private constructor(
    private readonly socket: DgramSocket,
    readonly local: Peer,
  ) {}

  static async bind(address: string, port: number, logger: Logger): Promise<UdpEndpoint> {
    const socket = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4', ipv6Only: isIPv6(address) });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    try {
      socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
    } catch (error) {
      logger.log('info', 'sip udp socket keeps its default receive buffer', { wanted: RECEIVE_BUFFER_BYTES, error: (error as Error).message });
    }
    const endpoint = new UdpEndpoint(socket, { address, port: socket.address().port });
    socket.on('error', (error) => logger.log('warn', 'sip udp socket error', { error: error.message }));
    socket.on('message', (data, info) => {
      // A keep-alive or its answer (CR/LF only) is no SIP message: nothing to hand on, nothing to log.
      if (data.every((byte) => byte === 0x0d || byte === 0x0a)) {
        endpoint.keepAliveStats.answered++;
        return;
      }
      endpoint.onMessage?.({ text: data.toString('utf8'), from: { address: info.address, port: info.port } });
    });
    return endpoint;
  }

  send(text: string, to: Peer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.send(text, to.port, to.address, (error) => (error ? reject(error) : resolve()));
    });
  }

  keepAlive(peer: Peer): void {
    this.keepAliveStats.sent++;
    this.socket.send(CRLF_PING, peer.port, peer.address, () => undefined);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}

import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

/** Tries to find an even RTP port whose next port is free for RTCP (RFC 3550 §11). */
const PAIR_ATTEMPTS = 10;

/** The RTP socket and, when a pair could be bound, the RTCP socket on the next port. */
export interface SocketPair {
  rtp: Socket;
  rtcp: Socket | undefined;
}

function bindOne(address: string, port: number): Promise<Socket> {
  const socket = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4', ipv6Only: isIPv6(address) });
  return new Promise<Socket>((resolve, reject) => {
    socket.once('error', (error) => {
      try {
        socket.close();
      } catch {
        // never bound
      }
      reject(error);
    });
    socket.bind(port, address, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

/**
 * Binds an ephemeral RTP port on `address` and RTCP on the port above it (RFC 3550 §11: RTP even,
 * RTCP the next odd port). When no such pair comes up in `PAIR_ATTEMPTS` tries, RTP alone is kept
 * (RTCP then only works with rtcp-mux), also when binding fails part-way. Rejects with the bind error
 * of the RTP socket (e.g. EMFILE) when not even that one could be bound.
 */
export async function bindSocketPair(address: string): Promise<SocketPair> {
  let spare: Socket | undefined;
  for (let attempt = 0; attempt < PAIR_ATTEMPTS; attempt++) {
    let rtp: Socket;
    try {
      rtp = await bindOne(address, 0);
    } catch (error) {
      // Out of descriptors (EMFILE) or the like: keep the RTP socket we have, if any.
      if (spare) return { rtp: spare, rtcp: undefined };
      throw error;
    }
    const port = rtp.address().port;
    if (port % 2 === 0 && port < 65535) {
      try {
        const rtcp = await bindOne(address, port + 1);
        spare?.close();
        return { rtp, rtcp };
      } catch {
        // taken: try another port
      }
    }
    if (spare) rtp.close();
    else spare = rtp;
  }
  return { rtp: spare!, rtcp: undefined };
}

import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

/** Tries to find an even RTP port whose next port is free for RTCP (RFC 3550 §11). */
const PAIR_ATTEMPTS = 10;

/** The RTP socket and, when a pair could be bound, the RTCP socket on the next port. */
export interface SocketPair {
  rtp: Socket;
  rtcp: Socket | undefined;
  /** The RTP socket was bound to its port by number, so it keeps the port when disconnected (`bindReusablePair`). */
  portKept?: boolean;
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

/**
 * Like `bindSocketPair`, but the RTP socket is bound to its port by number, never as an ephemeral port:
 * Linux forgets the port of a UDP socket bound to port 0 when it is disconnected (udp_disconnect unhashes
 * a socket whose port the application did not choose), and a pair kept for another call (`RtpSocketPool`)
 * is disconnected from its old peer. An ephemeral port is bound first to find a free one: an odd port
 * becomes RTCP with RTP bound below it; an even one is RTCP's port + 1 taken, then the even port closed
 * and bound again by number. Falls back to `bindSocketPair` (a pair without `portKept`, which the pool
 * closes after use) when no such pair comes up in `PAIR_ATTEMPTS` tries.
 */
export async function bindReusablePair(address: string): Promise<SocketPair> {
  for (let attempt = 0; attempt < PAIR_ATTEMPTS; attempt++) {
    const found = await bindOne(address, 0);
    const port = found.address().port;
    const rtpPort = port % 2 === 1 ? port - 1 : port;
    if (rtpPort < 1024 || rtpPort + 1 > 65535) {
      found.close();
      continue;
    }
    const rtcp = port === rtpPort ? await bindOne(address, port + 1).catch(() => undefined) : found;
    if (port === rtpPort) found.close(); // frees the even port at once (libuv closes the descriptor in uv_close)
    if (!rtcp) continue; // the port above is taken: try another
    try {
      return { rtp: await bindOne(address, rtpPort), rtcp, portKept: true };
    } catch {
      rtcp.close(); // the even port was taken meanwhile: try another
    }
  }
  return bindSocketPair(address);
}

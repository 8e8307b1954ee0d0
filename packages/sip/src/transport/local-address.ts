import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { SipError } from '../errors.js';
import { resolvePeer, type HostPort } from './routing.js';

/**
 * The local address the operating system sends from toward `target` — what Via sent-by, the Contact
 * host and the SDP `c=` line must carry so that replies and media come back (RFC 3261 §18.1.1 leaves the
 * choice of source interface to the transport; §20.42 puts its address in Via). Found without sending
 * anything: a UDP socket is connected to the target and asked for its local address. A host name is
 * looked up first (same as `resolvePeer`).
 *
 * Rejects with a `SipError` naming the host and the override (`line.bindAddress`) when the name does not
 * resolve or no route leads to it.
 */
export async function localAddressToward(target: HostPort): Promise<string> {
  let address: string;
  try {
    address = (await resolvePeer(target)).address;
  } catch (error) {
    throw unroutable(target, (error as Error).message);
  }
  const socket = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
  try {
    return await new Promise<string>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(target.port ?? 5060, address, () => resolve(socket.address().address));
    });
  } catch (error) {
    throw unroutable(target, (error as Error).message);
  } finally {
    socket.close();
  }
}

function unroutable(target: HostPort, why: string): SipError {
  return new SipError(
    'no_route',
    `cannot find the local address that routes to ${target.host}: ${why}; check the host name, or set line.bindAddress to the address to use`,
  );
}

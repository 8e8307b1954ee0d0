import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** `inbound.allowFrom` compiled once: does a peer address fall inside one of the CIDR ranges? */
export class AllowList {
  private readonly list = new BlockList();

  constructor(readonly ranges: readonly string[]) {
    for (const range of ranges) {
      const [address = '', bits] = range.split('/');
      const family = isIPv4(address) ? 'ipv4' : 'ipv6';
      const prefix = bits === undefined ? (family === 'ipv4' ? 32 : 128) : Number(bits);
      this.list.addSubnet(address, prefix, family);
    }
  }

  allows(peer: string | undefined): boolean {
    if (!peer) return false;
    const address = unmapIPv4(peer);
    if (isIPv4(address)) return this.list.check(address, 'ipv4');
    if (isIPv6(address)) return this.list.check(address, 'ipv6');
    return false;
  }
}

/** A dual-stack socket reports IPv4 peers as `::ffff:127.0.0.1`; the allow-list is written in IPv4. */
export function unmapIPv4(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match ? match[1]! : address;
}

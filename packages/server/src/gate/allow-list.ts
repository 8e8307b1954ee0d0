import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Distinct peers remembered; past this the memory starts again (a flood comes from few addresses). */
const REMEMBERED_PEERS = 4_096;

/** `inbound.allowFrom` compiled once: does a peer address fall inside one of the CIDR ranges? */
export class AllowList {
  private readonly list = new BlockList();
  // BlockList.check builds a SocketAddress per call; every request asks, mostly for the same few peers.
  private readonly verdicts = new Map<string, boolean>();

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
    let verdict = this.verdicts.get(peer);
    if (verdict === undefined) {
      verdict = this.check(unmapIPv4(peer));
      if (this.verdicts.size >= REMEMBERED_PEERS) this.verdicts.clear();
      this.verdicts.set(peer, verdict);
    }
    return verdict;
  }

  private check(address: string): boolean {
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

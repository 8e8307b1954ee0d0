import { spawnSync } from 'node:child_process';

/**
 * A network namespace joined to this machine by a veth pair on a /30 from 198.18.0.0/15 (RFC 2544's
 * benchmarking range), so a test can put a real peer on an address that is not loopback. Created with
 * `ip` (iproute2, as root); `remove()` deletes the namespace and the veth (idempotent, synchronous).
 */
export interface Netns {
  name: string;
  /** This machine's end of the veth. */
  hostAddress: string;
  /** The namespace's end of the veth: where its peers listen. */
  address: string;
  /** The argv that runs `argv` inside the namespace. */
  wrap(argv: string[]): string[];
  remove(): void;
}

const PREFIX = 'chsip';
const VETH = 'chs';
const BENCHMARK_BASE = ipToInt('198.18.0.0');
const BLOCKS = 2 ** 17 / 4;
let created = 0;

/**
 * Creates the namespace and the veth. Fails (never skips) with a clear message when `ip netns` is not
 * available. First removes namespaces and veths that earlier runs of this support code left behind (their
 * creating process is gone), and picks a /30 that no interface or route of this machine uses.
 */
export function createNetns(): Netns {
  const probe = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `ip netns is not available (${probe.error?.message ?? probe.stderr.trim()}): this test needs iproute2 and root (CAP_NET_ADMIN) ` +
        'to create a network namespace with a veth pair; run it as root on Linux',
    );
  }
  removeStale(probe.stdout);
  const id = `${process.pid}${String.fromCharCode(97 + (created++ % 26))}`;
  const name = `${PREFIX}-${id}`;
  const hostEnd = `${VETH}${id}h`;
  const nsEnd = `${VETH}${id}n`;
  const block = freeBlock();
  const hostAddress = intToIp(block + 1);
  const address = intToIp(block + 2);
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    process.off('exit', remove);
    spawnSync('ip', ['netns', 'del', name]);
    spawnSync('ip', ['link', 'del', hostEnd]);
  };
  process.once('exit', remove);
  try {
    ip('netns', 'add', name);
    ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', nsEnd);
    ip('link', 'set', nsEnd, 'netns', name);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', hostEnd);
    ip('link', 'set', hostEnd, 'up');
    ip('-n', name, 'addr', 'add', `${address}/30`, 'dev', nsEnd);
    ip('-n', name, 'link', 'set', nsEnd, 'up');
    ip('-n', name, 'link', 'set', 'lo', 'up');
  } catch (error) {
    remove();
    throw error;
  }
  return { name, hostAddress, address, wrap: (argv) => ['ip', 'netns', 'exec', name, ...argv], remove };
}

function ip(...args: string[]): string {
  const run = spawnSync('ip', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${run.error?.message ?? run.stderr.trim()}`);
  return run.stdout;
}

/** Namespaces and veths of this support code whose creating process has ended. */
function removeStale(netnsList: string): void {
  for (const match of netnsList.matchAll(new RegExp(`^(${PREFIX}-(\\d+)[a-z])\\b`, 'gm'))) {
    if (!alive(Number(match[2]))) spawnSync('ip', ['netns', 'del', match[1]!]);
  }
  const links = spawnSync('ip', ['-o', 'link', 'show', 'type', 'veth'], { encoding: 'utf8' }).stdout ?? '';
  for (const match of links.matchAll(new RegExp(`^\\d+: (${VETH}(\\d+)[a-z][hn])[@:]`, 'gm'))) {
    if (!alive(Number(match[2]))) spawnSync('ip', ['link', 'del', match[1]!]);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A /30 in 198.18.0.0/15 overlapping no IPv4 address or route of this machine (started from the pid). */
function freeBlock(): number {
  const used: [number, number][] = [];
  const addresses = JSON.parse(ip('-j', '-4', 'addr', 'show')) as { addr_info?: { local: string; prefixlen: number }[] }[];
  for (const link of addresses) for (const info of link.addr_info ?? []) used.push([ipToInt(info.local), info.prefixlen]);
  const routes = JSON.parse(ip('-j', '-4', 'route', 'show', 'table', 'all')) as { dst: string }[];
  for (const route of routes) {
    const [net, length] = route.dst.split('/');
    if (net && /^\d+\.\d+\.\d+\.\d+$/.test(net)) used.push([ipToInt(net), length ? Number(length) : 32]);
  }
  const start = (process.pid * 7 + created) % BLOCKS;
  for (let step = 0; step < BLOCKS; step++) {
    const block = BENCHMARK_BASE + ((start + step) % BLOCKS) * 4;
    if (used.every(([network, length]) => !overlaps(block, 30, network, length))) return block;
  }
  throw new Error('no free /30 left in 198.18.0.0/15');
}

function overlaps(a: number, aLength: number, b: number, bLength: number): boolean {
  const length = Math.min(aLength, bLength);
  const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

function ipToInt(text: string): number {
  return text.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

function intToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

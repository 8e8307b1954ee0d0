import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { requirePeer } from './peers.js';
import { fixture } from './sipp.js';

export interface Kamailio {
  port: number;
  address: string;
  log(): string;
  stop(): Promise<void>;
}

export interface KamailioOptions {
  inviteAuth?: boolean;
  port?: number;
  /** Where it listens (default 127.0.0.1); with `wrap`, an address inside a network namespace. */
  host?: string;
  /** Runs kamailio through this argv prefix (e.g. `ip netns exec <name>`). */
  wrap?: (argv: string[]) => string[];
}

/** Runs the lab registrar/proxy (every password "secret") on a free loopback port, in a temp dir. */
export async function startKamailio(options: KamailioOptions = {}): Promise<Kamailio> {
  const binary = requirePeer('kamailio');
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'callhook-kamailio-'));
  // Off 5060, a port-less From (sip:303@127.0.0.1) is no longer "myself" to kamailio, and INVITEs from
  // local users would slip through unchallenged: test the From domain instead, as the lab intends.
  const config = readFileSync(fixture('kamailio.cfg'), 'utf8')
    .replaceAll('127.0.0.1:5060', `${host}:${port}`)
    .replace('from_uri == myself', `$fd == "${host}"`);
  if (!config.includes(`$fd == "${host}"`)) throw new Error('kamailio.cfg changed: the INVITE challenge condition was not found');
  writeFileSync(join(dir, 'kamailio.cfg'), config);
  const args = ['-f', join(dir, 'kamailio.cfg'), '-DD', '-E', '-Y', dir, '-P', join(dir, 'kamailio.pid'), '-w', dir];
  if (options.inviteAuth === false) args.push('-A', 'NO_INVITE_AUTH');
  const [command, ...argv] = options.wrap ? options.wrap([binary, ...args]) : [binary, ...args];
  const child: ChildProcess = spawn(command!, argv, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-50_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    if (child.exitCode !== null) break;
    if (await canConnect(host, port)) return { port, address: `${host}:${port}`, log: () => log, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`kamailio did not start on ${host}:${port}:\n${log.slice(-3_000)}`);
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

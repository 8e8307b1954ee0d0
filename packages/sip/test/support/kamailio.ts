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

/** Runs the lab registrar/proxy (every password "secret") on a free loopback port, in a temp dir. */
export async function startKamailio(options: { inviteAuth?: boolean; port?: number } = {}): Promise<Kamailio> {
  const binary = requirePeer('kamailio');
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'callhook-kamailio-'));
  // Off 5060, a port-less From (sip:303@127.0.0.1) is no longer "myself" to kamailio, and INVITEs from
  // local users would slip through unchallenged: test the From domain instead, as the lab intends.
  const config = readFileSync(fixture('kamailio.cfg'), 'utf8')
    .replaceAll('127.0.0.1:5060', `127.0.0.1:${port}`)
    .replace('from_uri == myself', '$fd == "127.0.0.1"');
  if (!config.includes('$fd == "127.0.0.1"')) throw new Error('kamailio.cfg changed: the INVITE challenge condition was not found');
  writeFileSync(join(dir, 'kamailio.cfg'), config);
  const args = ['-f', join(dir, 'kamailio.cfg'), '-DD', '-E', '-Y', dir, '-P', join(dir, 'kamailio.pid'), '-w', dir];
  if (options.inviteAuth === false) args.push('-A', 'NO_INVITE_AUTH');
  const child: ChildProcess = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
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
    if (await canConnect(port)) return { port, address: `127.0.0.1:${port}`, log: () => log, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`kamailio did not start on 127.0.0.1:${port}:\n${log.slice(-3_000)}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

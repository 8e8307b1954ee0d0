import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port free for both UDP and TCP on 127.0.0.1 (SIP may use either). */
export async function freeSipPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const tcp = createServer();
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const port = (tcp.address() as { port: number }).port;
    const udp = createSocket('udp4');
    const free = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    udp.close();
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    if (free) return port;
  }
  throw new Error('no free SIP port found in 20 tries');
}

export function sippBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v sipp'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('sipp is not installed: run scripts/install-peers.sh (Debian package sip-tester)');
  return found;
}

/** Runs sipp's built-in uac to completion, killed after `limitMs`; exit 0 means every call succeeded. */
export async function runSippUac(target: string, user: string, calls: number, extra: string[], limitMs = 30_000) {
  const [sipPort, controlPort, mediaPort] = [await freeSipPort(), await freeSipPort(), await freeSipPort()];
  const args = [
    '-sn',
    'uac',
    target,
    '-s',
    user,
    '-i',
    '127.0.0.1',
    '-p',
    String(sipPort),
    '-cp',
    String(controlPort),
    '-mp',
    String(mediaPort),
    '-m',
    String(calls),
    '-r',
    '10',
    '-d',
    '200',
    '-nostdin',
    '-timeout',
    '25s',
    '-timeout_error',
    ...extra,
  ];
  const child = spawn(sippBinary(), args, { cwd: mkdtempSync(join(tmpdir(), 'callhook-sipp-')), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8_000)));
  child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8_000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, output };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requirePeer } from './peers.js';
import { freeSipPort as freePort } from './sip-port.js';

/**
 * The path of the lab configuration (`fixtures/kamailio.cfg` of this package), from `src` and `dist` alike.
 * A function, not a constant: importing this package must do nothing (the console's jsdom tests import it
 * for the spectrum helpers, and there `import.meta.url` is not a file URL).
 */
export function kamailioCfg(): string {
  return fileURLToPath(new URL('../fixtures/kamailio.cfg', import.meta.url));
}

export interface Kamailio {
  port: number;
  address: string;
  /** With `tls`: the TLS port and `host:port`. */
  tlsPort: number;
  tlsAddress: string;
  log(): string;
  stop(): Promise<void>;
}

const TLS_MODULE = '/usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so';

export interface KamailioOptions {
  inviteAuth?: boolean;
  port?: number;
  /** Where it listens (default 127.0.0.1); with `wrap`, an address inside a network namespace. */
  host?: string;
  /** Runs kamailio through this argv prefix (e.g. `ip netns exec <name>`). */
  wrap?: (argv: string[]) => string[];
  /** Also listen for SIP over TLS (module tls, package kamailio-tls-modules) with this certificate. */
  tls?: {
    cert: string;
    key: string;
    port?: number;
    /** require a client certificate issued by this CA */
    clientCa?: string;
    /**
     * One TCP/TLS worker process instead of the lab's two: kamailio's TLS keeps its session tickets per
     * process, so only then does a client's next connection resume its TLS session (RFC 8446 §2.2).
     */
    oneWorker?: boolean;
  };
}

/** Runs the lab registrar/proxy (every password "secret") on a free loopback port, in a temp dir. */
export async function startKamailio(options: KamailioOptions = {}): Promise<Kamailio> {
  const binary = requirePeer('kamailio');
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'callhook-kamailio-'));
  // Off 5060, a port-less From (sip:303@127.0.0.1) is no longer "myself" to kamailio, and INVITEs from
  // local users would slip through unchallenged: test the From domain instead, as the lab intends.
  let config = readFileSync(kamailioCfg(), 'utf8').replaceAll('127.0.0.1:5060', `${host}:${port}`).replace('from_uri == myself', `$fd == "${host}"`);
  if (!config.includes(`$fd == "${host}"`)) throw new Error('kamailio.cfg changed: the INVITE challenge condition was not found');
  const tlsPort = options.tls ? (options.tls.port ?? (await freePort(host))) : 0;
  if (options.tls?.oneWorker) {
    config = config.replace(/^tcp_children=\d+$/m, 'tcp_children=1');
    if (!/^tcp_children=1$/m.test(config)) throw new Error('kamailio.cfg changed: no tcp_children line to set');
  }
  if (options.tls) {
    if (!existsSync(TLS_MODULE))
      throw new Error(`kamailio's tls module (${TLS_MODULE}) is not installed: run scripts/install-peers.sh (Debian package kamailio-tls-modules)`);
    const { cert, key, clientCa } = options.tls;
    const verify = clientCa
      ? ['verify_certificate = yes', 'require_certificate = yes', `ca_list = ${clientCa}`]
      : ['verify_certificate = no', 'require_certificate = no'];
    writeFileSync(
      join(dir, 'tls.cfg'),
      [
        '[server:default]',
        'method = TLSv1.2+',
        `certificate = ${cert}`,
        `private_key = ${key}`,
        ...verify,
        '',
        '[client:default]',
        'method = TLSv1.2+',
        'verify_certificate = no',
        'require_certificate = no',
        '',
      ].join('\n'),
    );
    const withListen = config.replace(/^listen=tcp:.*$/m, (line) => `${line}\nlisten=tls:${host}:${tlsPort}\nenable_tls=yes\nalias="${host}:${tlsPort}"`);
    const withModule = withListen.replace(/^mpath=.*$/m, (line) => `${line}\nloadmodule "tls.so"\nmodparam("tls", "config", "${join(dir, 'tls.cfg')}")`);
    if (!withModule.includes('listen=tls:') || !withModule.includes('tls.so'))
      throw new Error('kamailio.cfg changed: no listen=tcp or mpath line to add TLS to');
    config = withModule;
  }
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
    if ((await canConnect(host, port)) && (!tlsPort || (await canConnect(host, tlsPort))))
      return { port, address: `${host}:${port}`, tlsPort, tlsAddress: `${host}:${tlsPort}`, log: () => log, stop };
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

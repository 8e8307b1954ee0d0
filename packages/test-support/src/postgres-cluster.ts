import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);

/** A throw-away PostgreSQL cluster the tests start themselves (Debian's `postgresql` package; its own client tools, no driver). */
export interface PostgresCluster {
  /** Loopback port it listens on. */
  port: number;
  /** Directory of its unix socket. */
  socketDir: string;
  /** Creates an empty database and returns its URL (TCP on 127.0.0.1). */
  createDatabase(name: string): Promise<string>;
  /** Runs one SQL statement with psql in `database`; answers its rows, `|`-separated, one per line. */
  query(database: string, statement: string): Promise<string[]>;
  /** Fast shutdown, then the directory removed; safe to call twice. */
  stop(): Promise<void>;
}

/** The user the cluster runs as when the tests run as root (PostgreSQL refuses to run as root). */
const CLUSTER_USER = { name: 'nobody', uid: 65534, gid: 65534 };
const SUPERUSER = 'callhook';

/** The newest installed server's bin directory (/usr/lib/postgresql/<version>/bin). */
export function postgresBinDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb): run scripts/install-peers.sh');
  return join(base, versions[0]!, 'bin');
}

/** Runs `command` as the cluster's user when we are root (setpriv: the child is the command itself, pid and all). */
function asClusterUser(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ['setpriv', [`--reuid=${CLUSTER_USER.uid}`, `--regid=${CLUSTER_USER.gid}`, '--clear-groups', command, ...args]];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const running = new Set<ChildProcess>();
// Should a test process end without its afterAll, no cluster outlives it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * initdb in a temp dir owned by the cluster's user, then `postgres` on a free loopback port with its
 * socket in the same dir (fsync off: these clusters are thrown away). Resolves once it accepts
 * connections; `stop()` ends it and removes the dir. `durable` keeps PostgreSQL's own fsync (benchmarks). Throws with the server's output when it does not start.
 */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'callhook-pg-'));
  const data = join(dir, 'data');
  const socketDir = join(dir, 'sock');
  mkdirSync(socketDir);
  if (process.getuid?.() === 0) for (const path of [dir, socketDir]) chownSync(path, CLUSTER_USER.uid, CLUSTER_USER.gid);
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  const [initCommand, initArgs] = asClusterUser(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    SUPERUSER,
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
    '--no-instructions',
  ]);
  // Asynchronously: on a busy machine initdb takes long enough that a blocked vitest worker misses its RPC deadline.
  const initFailure = await new Promise<string | null>((resolveInit) => {
    execFile(initCommand, initArgs, { encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) =>
      resolveInit(error ? `${String(error.code ?? error.signal ?? 'error')}: ${stderr || stdout || error.message}` : null),
    );
  });
  if (initFailure !== null) {
    remove();
    throw new Error(`initdb failed (${initFailure})`);
  }
  const port = await freePort();
  const [command, args] = asClusterUser(join(bin, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    socketDir,
    '-c',
    'listen_addresses=127.0.0.1',
    ...(options.durable ? [] : ['-c', 'fsync=off']),
    '-c',
    'max_connections=100',
  ]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT'); // fast shutdown
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      }
      running.delete(child);
      remove();
    })());
  const client = (tool: string, extra: string[]) =>
    run(join(bin, tool), ['-h', '127.0.0.1', '-p', String(port), '-U', SUPERUSER, ...extra], { timeout: 60_000 });
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}): ${output}`);
        try {
          await client('pg_isready', ['-d', 'postgres', '-t', '5']);
          return true;
        } catch {
          return false;
        }
      },
      'postgres to accept connections',
      60_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    port,
    socketDir,
    stop,
    async query(database, statement) {
      const { stdout } = await client('psql', ['-d', database, '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', statement]);
      return stdout.split('\n').filter((line) => line !== '');
    },
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      await client('createdb', [name]);
      return `postgres://${SUPERUSER}@127.0.0.1:${port}/${name}`;
    },
  };
}

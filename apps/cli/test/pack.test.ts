import { execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN } from './support/cli.js';
import { waitFor } from '@callhook/test-support';

const ROOT = resolve(MAIN, '..', '..', '..', '..');
const dirs: string[] = [];
const children: ReturnType<typeof spawn>[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

describe('the packed headless edition', () => {
  // Packing copies the production dependencies and compresses them: minutes on a busy 2-core machine.
  it('installs from the tarball alone and serves, with the console, the systemd unit and the licence', { timeout: 900_000 }, async () => {
    const out = tempDir('callhook-pack-');
    // Asynchronously: a worker blocked for more than a minute misses vitest's own RPC deadline ("Timeout calling onTaskUpdate").
    const packed = await promisify(execFile)('bash', [join(ROOT, 'scripts', 'pack-server.sh'), out], { encoding: 'utf8', timeout: 900_000 });
    const tarball = packed.stdout.trim().split('\n').pop()!;
    expect(tarball).toMatch(/callhook-\d+\.\d+\.\d+-linux-\w+\.tar\.gz$/);

    const prefix = tempDir('callhook-opt-');
    await promisify(execFile)('tar', ['-C', prefix, '-xzf', tarball]);
    const version = (JSON.parse(readFileSync(join(ROOT, 'apps', 'cli', 'package.json'), 'utf8')) as { version: string }).version;
    const home = join(prefix, `callhook-${version}`);
    for (const file of ['bin/callhook', 'systemd/callhook.service', 'LICENSE', 'README.md']) expect(existsSync(join(home, file))).toBe(true);
    const unit = readFileSync(join(home, 'systemd', 'callhook.service'), 'utf8');
    expect(unit).toMatch(/^ExecStart=\/opt\/callhook\/bin\/callhook serve /m);
    expect(unit).toMatch(/^ProtectSystem=strict$/m);
    expect(unit).toMatch(/^StateDirectory=callhook$/m);

    // SRTP's native cipher travels with it and loads (else SRTP would quietly take ~4× the CPU per packet).
    const srtp = join(home, 'app', 'node_modules', '@callhook', 'srtp-openssl', 'dist', 'index.js');
    const probe = `const m = await import(${JSON.stringify(srtp)}); console.log(JSON.stringify([m.loadSrtpOpenssl() !== undefined, m.srtpOpensslUnavailable() ?? null]))`;
    expect(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: tmpdir(), encoding: 'utf8' }))).toEqual([true, null]);

    // Runs from anywhere, with nothing of the checkout on its way.
    const bin = join(home, 'bin', 'callhook');
    expect(execFileSync(bin, ['--version'], { cwd: tmpdir(), encoding: 'utf8' })).toBe(`${version}\n`);
    const child = spawn(bin, ['serve', '--demo', '--port', '0', '--data', tempDir('callhook-state-')], { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitFor(() => /listening on (\S+)/.test(stdout) && /token: \S+/.test(stderr), 'the packed serve to listen');
    const url = /listening on (\S+)/.exec(stdout)![1]!;
    const token = /token: (\S+)/.exec(stderr)![1]!;
    const health = await fetch(`${url}healthz`, { headers: { authorization: `Bearer ${token}` } });
    expect(health.status).toBe(200);
    const console = await fetch(`${url}console/`, { headers: { authorization: `Bearer ${token}` } });
    expect(console.status).toBe(200);
    expect(await console.text()).toContain('<div id="root">');
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});

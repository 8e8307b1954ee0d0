import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN } from './support/cli.js';

const ROOT = resolve(MAIN, '..', '..', '..', '..');
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

describe('the Debian package', () => {
  // Packing copies the production dependencies and compresses them: minutes on a busy 2-core machine.
  it(
    'is built offline from the server tarball, holds the app, the command and the systemd unit, and runs from an unpacked root',
    { timeout: 900_000 },
    async () => {
      const out = tempDir('callhook-deb-');
      // Asynchronously: a worker blocked for minutes would miss vitest's own heartbeats.
      const { stdout } = await promisify(execFile)('bash', [join(ROOT, 'scripts', 'pack-deb.sh'), '', out], { encoding: 'utf8', timeout: 900_000 });
      const deb = stdout.trim().split('\n').pop()!;
      const version = (JSON.parse(readFileSync(join(ROOT, 'apps', 'cli', 'package.json'), 'utf8')) as { version: string }).version;
      expect(deb).toMatch(new RegExp(`callhook_${version.replace(/\./g, '\\.')}_(amd64|arm64|armhf)\\.deb$`));

      const info = (await promisify(execFile)('dpkg-deb', ['-I', deb], { encoding: 'utf8' })).stdout;
      expect(info).toMatch(/^ Package: callhook$/m);
      expect(info).toMatch(new RegExp(`^ Version: ${version.replace(/\./g, '\\.')}$`, 'm'));
      expect(info).toMatch(/^ Depends: nodejs \(>= 20\)$/m);
      expect(info).toMatch(/^ Architecture: (amd64|arm64|armhf)$/m);
      expect(info).toMatch(/\*\s+postinst\s/);

      const contents = (await promisify(execFile)('dpkg-deb', ['-c', deb], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })).stdout;
      expect(contents).toMatch(/^-rwxr-xr-x root\/root .* \.\/opt\/callhook\/bin\/callhook$/m);
      expect(contents).toMatch(/^-rw-r--r-- root\/root .* \.\/lib\/systemd\/system\/callhook\.service$/m);
      expect(contents).toMatch(/^lrwxrwxrwx root\/root .* \.\/usr\/bin\/callhook -> \/opt\/callhook\/bin\/callhook$/m);
      expect(contents).toMatch(/ \.\/opt\/callhook\/app\/dist\/main\.js$/m);
      expect(contents).toMatch(/ \.\/opt\/callhook\/LICENSE$/m);

      // Installed into a temporary root: the files land where the unit expects them, and the command runs.
      const root = tempDir('callhook-root-');
      await promisify(execFile)('dpkg', ['-x', deb, root]);
      const unit = readFileSync(join(root, 'lib', 'systemd', 'system', 'callhook.service'), 'utf8');
      expect(unit).toMatch(/^ExecStart=\/opt\/callhook\/bin\/callhook serve /m);
      expect(unit).toMatch(/^ProtectSystem=strict$/m);
      expect(unit).toMatch(/^DynamicUser=yes$/m);
      expect(readlinkSync(join(root, 'usr', 'bin', 'callhook'))).toBe('/opt/callhook/bin/callhook');
      expect(existsSync(join(root, 'opt', 'callhook', 'app', 'node_modules'))).toBe(true);
      const bin = join(root, 'opt', 'callhook', 'bin', 'callhook');
      expect(execFileSync(bin, ['--version'], { cwd: tmpdir(), encoding: 'utf8' })).toBe(`${version}\n`);
      const init = execFileSync(bin, ['config', 'init', '--out', join(root, 'callhook.json')], { cwd: tmpdir(), encoding: 'utf8' });
      expect(init).toContain(join(root, 'callhook.json'));
      expect(execFileSync(bin, ['config', 'check', join(root, 'callhook.json')], { cwd: tmpdir(), encoding: 'utf8' })).toContain(': ok');
    },
  );
});

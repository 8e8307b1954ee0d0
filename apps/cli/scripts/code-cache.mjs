// Writes V8's code cache of a start, dist/cjs/start.cache (the last step of `pnpm build`, after
// scripts/bundle.mjs): runs the built `callhook serve` twice in a temporary directory, on loopback —
// `--demo`, then a settings file with a SIP line and a fresh SQLite data directory — each with
// CALLHOOK_CODE_CACHE_WRITE=1, so that once it is ready (`listening on`) dist/main.js writes the
// bytecode of every function that had run (src/code-cache.ts), then stops it. The second run starts
// from the first one's cache and adds what the SIP line ran, so the file holds both starts.
//
// Why at build time: the first `callhook serve` of a fresh clone is then as fast as the later ones.
// If this step cannot run here (exit 7, "cannot start here": no loopback address; or no ready within
// the deadline), it says so and the build goes on: the first `serve` writes the cache itself. A start
// that fails otherwise (exit 1: a bug, e.g. a package the CommonJS copy cannot load) fails the build.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIP_START_SETTINGS } from './start-settings.mjs';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const cacheFile = fileURLToPath(new URL('../dist/cjs/start.cache', import.meta.url));
/** A busy machine may take long to start node: this bounds a hang, it is not a speed target. */
const DEADLINE_MS = 120_000;

const dir = mkdtempSync(join(tmpdir(), 'callhook-code-cache-'));
const sipConfig = join(dir, 'callhook.json');
writeFileSync(sipConfig, SIP_START_SETTINGS);

/** The cache file's modification time, or 0 when there is none. */
const written = () => (existsSync(cacheFile) ? statSync(cacheFile).mtimeMs : 0);

/** Runs `callhook serve ARGS` until it wrote the cache once ready, then stops it (SIGTERM; SIGKILL at the deadline). */
function serveOnce(args) {
  return new Promise((resolve, reject) => {
    const before = written();
    const child = spawn(process.execPath, [main, 'serve', ...args], {
      env: { ...process.env, NO_COLOR: '1', CALLHOOK_CODE_CACHE: cacheFile, CALLHOOK_CODE_CACHE_WRITE: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const deadline = setTimeout(() => finish(new Error(`no code cache within ${DEADLINE_MS / 1000} s`)), DEADLINE_MS);
    const poll = setInterval(() => {
      if (written() !== before) finish(null);
    }, 50);
    child.once('exit', (code) =>
      finish(written() !== before ? null : Object.assign(new Error(`serve exited (${code}) before writing the cache: ${stderr.trim()}`), { exitCode: code })),
    );
    let done = false;
    function finish(error) {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      clearInterval(poll);
      if (child.exitCode === null) {
        child.kill(error ? 'SIGKILL' : 'SIGTERM');
        child.once('exit', () => (error ? reject(error) : resolve()));
      } else if (error) reject(error);
      else resolve();
    }
  });
}

try {
  rmSync(cacheFile, { force: true });
  await serveOnce(['--demo', '--port', '0', '--data', ':memory:', '--drain-ms', '200']);
  await serveOnce(['--config', sipConfig, '--port', '0', '--data', join(dir, 'data'), '--no-console', '--drain-ms', '200']);
  console.log(`code cache: dist/cjs/start.cache, ${Math.round(statSync(cacheFile).size / 1024)} KiB`);
} catch (error) {
  if (error.exitCode === undefined || error.exitCode === 7) console.warn(`code cache: not written (${error.message}); the first callhook serve writes it`);
  else {
    console.error(`code cache: the built callhook serve failed: ${error.message}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@callhook/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultCacheName } from '../src/code-cache.js';
import { startServe, type Served, stopServed } from './support/cli.js';

/**
 * dist/main.js runs the CommonJS bundle through V8's code cache (src/code-cache.ts), the cache made
 * by the build (scripts/code-cache.mjs). Whatever the cache file holds — nothing, another build's
 * code, bytes V8 refuses, another Node's — `serve` starts and works; a cache it could not use is
 * written again once `serve` is ready, and the next start takes it.
 */
const BUILT_CACHE = fileURLToPath(new URL('../dist/cjs/start.cache', import.meta.url));
const MAGIC = 'callhook-code-cache\n';

interface Header {
  node: string;
  v8: string;
  files: Record<string, { sha1: string; offset: number; length: number }>;
}
interface Report {
  problem: string | null;
  files: Record<string, 'cached' | 'none' | 'stale' | 'rejected'>;
}

let dir = '';
const running: Served[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'callhook-code-cache-test-'));
});
afterEach(async () => {
  for (const served of running.splice(0)) {
    await stopServed(served);
  }
  rmSync(dir, { recursive: true, force: true });
});

function readCache(file: string): { header: Header; bytes: Buffer } {
  const raw = readFileSync(file);
  const newline = raw.indexOf(10, MAGIC.length);
  return { header: JSON.parse(raw.subarray(MAGIC.length, newline).toString('latin1')) as Header, bytes: raw.subarray(newline + 1) };
}

function writeCache(file: string, header: Header, bytes: Buffer): void {
  writeFileSync(file, Buffer.concat([Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`, 'latin1'), bytes]));
}

/** A copy of the build's cache, changed by `edit`. */
function copyOfBuilt(edit?: (header: Header, bytes: Buffer) => void): string {
  const file = join(dir, 'start.cache');
  copyFileSync(BUILT_CACHE, file);
  if (edit) {
    const { header, bytes } = readCache(file);
    const copy = Buffer.from(bytes);
    edit(header, copy);
    writeCache(file, header, copy);
  }
  return file;
}

/** `serve --demo` with this cache file; answers how it used the cache (the line CALLHOOK_CODE_CACHE_REPORT prints once ready). */
async function serveWith(
  cacheFile: string,
  args = ['--demo', '--port', '0', '--data', ':memory:'],
  addresses = 2,
): Promise<{ served: Served; report: Report }> {
  const served = await startServe(args, addresses, undefined, {
    env: { CALLHOOK_CODE_CACHE: cacheFile, CALLHOOK_CODE_CACHE_REPORT: '1' },
  });
  running.push(served);
  await waitFor(() => /^code cache: .*$/m.test(served.stderr()), 'the code cache report');
  const report = JSON.parse(/^code cache: (.*)$/m.exec(served.stderr())![1]!) as Report;
  return { served, report };
}

/** The server answers (it did not die writing the cache). */
async function answers(served: Served): Promise<void> {
  const health = await fetch(`${served.urls[0]}healthz`);
  expect(health.status).toBe(200);
}

const states = (report: Report) => new Set(Object.values(report.files));

describe('the code cache of a start (dist/cjs/start.cache)', () => {
  it('the build made one that V8 takes for every file a demo start loads, and it is not written again', async () => {
    const file = copyOfBuilt();
    const before = statSync(file).mtimeMs;
    const { served, report } = await serveWith(file);
    expect(report.problem).toBeNull();
    expect(Object.keys(report.files)).toContain('bundle-run.cjs');
    expect(Object.keys(report.files).length).toBeGreaterThan(10);
    expect(states(report)).toEqual(new Set(['cached']));
    await answers(served);
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it("the build's cache holds a SIP line start too (SQLite journal, three Action URLs): every file it loads is taken", async () => {
    const config = join(dir, 'callhook.json');
    writeFileSync(
      config,
      JSON.stringify({
        actionUrls: { enabled: true, slots: ['inbound', 'connected', 'disconnected'].map((on) => ({ on, url: `http://127.0.0.1:9/${on}?guid=<$call_guid>` })) },
        inbound: { enabled: true, listen: ['127.0.0.1'] },
        line: { type: 'sip', aor: 'sip:303@127.0.0.1', port: 0, transport: 'udp', autoAnswer: true },
      }),
    );
    const { report } = await serveWith(copyOfBuilt(), ['--config', config, '--port', '0', '--data', join(dir, 'data'), '--no-console'], 1);
    expect(report.problem).toBeNull();
    // The SIP stack's chunks were loaded (the demo start does not load them) and taken from the cache.
    expect(Object.keys(report.files).some((name) => name.startsWith('bundle-sip-line-plugin-'))).toBe(true);
    expect(states(report)).toEqual(new Set(['cached']));
  });

  it("missing (CALLHOOK_CODE_CACHE names a file not written yet): the start uses the build's cache, then writes its own; the next start takes it", async () => {
    const file = join(dir, 'none-yet.cache');
    const first = await serveWith(file);
    expect(first.report.problem).toMatch(/cannot read .*none-yet\.cache: ENOENT; started from .*start\.cache/);
    expect(states(first.report)).toEqual(new Set(['cached']));
    await answers(first.served);
    await waitFor(() => existsSync(file), 'the cache written after ready');
    const second = await serveWith(file);
    expect(second.report.problem).toBeNull();
    expect(states(second.report)).toEqual(new Set(['cached']));
  });

  it('stale (a file of another build: its source hash differs): that file compiles from source, the others use the cache, and it is written again', async () => {
    const file = copyOfBuilt((header) => {
      header.files['bundle-run.cjs']!.sha1 = '0'.repeat(40);
    });
    const first = await serveWith(file);
    expect(first.report.files['bundle-run.cjs']).toBe('stale');
    expect(Object.values(first.report.files).filter((s) => s === 'cached').length).toBe(Object.keys(first.report.files).length - 1);
    await answers(first.served);
    await waitFor(() => readCache(file).header.files['bundle-run.cjs']!.sha1 !== '0'.repeat(40), 'the cache written again');
    const second = await serveWith(file);
    expect(states(second.report)).toEqual(new Set(['cached']));
  });

  it('rejected by V8 (damaged bytes): that file compiles from source, and the cache is written again', async () => {
    const file = copyOfBuilt((header, bytes) => {
      const entry = header.files['bundle-run.cjs']!;
      bytes.fill(0, entry.offset, entry.offset + 16);
    });
    const before = statSync(file).mtimeMs;
    const first = await serveWith(file);
    expect(first.report.files['bundle-run.cjs']).toBe('rejected');
    await answers(first.served);
    await waitFor(() => statSync(file).mtimeMs !== before, 'the cache written again');
    const second = await serveWith(file);
    expect(states(second.report)).toEqual(new Set(['cached']));
  });

  it('made by another Node, or not a cache at all: unused (every file compiles from source), and replaced', async () => {
    const other = copyOfBuilt((header) => {
      header.node = 'v0.0.1';
    });
    const first = await serveWith(other);
    expect(first.report.problem).toMatch(/made by Node v0\.0\.1/);
    expect(states(first.report)).toEqual(new Set(['none']));
    await answers(first.served);
    await waitFor(() => readCache(other).header.node === process.version, 'the cache written again');

    const garbage = join(dir, 'garbage.cache');
    writeFileSync(garbage, 'not a cache');
    const second = await serveWith(garbage);
    expect(second.report.problem).toMatch(/is not a code cache/);
    await answers(second.served);
    await waitFor(() => readFileSync(garbage).subarray(0, MAGIC.length).toString() === MAGIC, 'the garbage replaced');
  });

  it('a cache that cannot be written (its directory does not exist, as a read-only install): serve starts and keeps working', async () => {
    const file = join(dir, 'no-such-dir', 'start.cache');
    const { served, report } = await serveWith(file);
    expect(report.problem).toMatch(/ENOENT/);
    await answers(served);
    expect(served.child.exitCode).toBeNull();
    expect(existsSync(file)).toBe(false);
  });
});

describe('defaultCacheName', () => {
  it('is start.cache without node flags, and one file per set of flags (V8 refuses a cache made under other flags)', () => {
    expect(defaultCacheName([], undefined)).toBe('start.cache');
    expect(defaultCacheName([], '  ')).toBe('start.cache');
    const capped = defaultCacheName(['--max-old-space-size=96'], undefined);
    expect(capped).toMatch(/^start-[0-9a-f]{12}\.cache$/);
    expect(defaultCacheName(['--max-old-space-size=96'], undefined)).toBe(capped);
    expect(defaultCacheName(['--expose-gc'], undefined)).not.toBe(capped);
    expect(defaultCacheName([], '--max-old-space-size=96')).not.toBe(capped);
  });
});

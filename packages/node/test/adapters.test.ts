import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cryptoRandom, systemClock } from '../src/index.js';

describe('systemClock', () => {
  it('reads wall time', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('fires a timer after its delay and not once it is cleared', async () => {
    const fired: string[] = [];
    systemClock.setTimeout(() => fired.push('kept'), 5);
    const cleared = systemClock.setTimeout(() => fired.push('cleared'), 5);
    systemClock.clearTimeout(cleared);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(fired).toEqual(['kept']);
  });

  it('does not keep the process alive with a pending timer (unref)', () => {
    // The built adapter (the test task runs after the build), in a process of its own that has nothing else to do.
    const script = `import('${new URL('../dist/system-clock.js', import.meta.url).href}').then(({ systemClock }) => systemClock.setTimeout(() => process.exit(3), 60_000));`;
    const started = Date.now();
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('cryptoRandom', () => {
  it('fills buffers smaller and larger than its pool, never handing out the same bytes twice', () => {
    const seen = new Set<string>();
    for (const size of [16, 16, 4000, 200, 5000]) {
      const bytes = new Uint8Array(size);
      cryptoRandom.fill(bytes);
      expect(bytes.some((b) => b !== 0)).toBe(true);
      const hex = Buffer.from(bytes.subarray(0, 16)).toString('hex');
      expect(seen.has(hex)).toBe(false);
      seen.add(hex);
    }
  });
});

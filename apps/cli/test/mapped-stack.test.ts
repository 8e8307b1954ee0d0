import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { mappedStack } from '../src/mapped-stack.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/throws.ts', import.meta.url));
let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('mappedStack', () => {
  it('moves the frames of a bundle with a source map to the TypeScript lines', async () => {
    dir = mkdtempSync(join(tmpdir(), 'callhook-stack-'));
    const out = join(dir, 'bundle.js');
    // As scripts/bundle.mjs bundles: ESM, a linked source map beside the file.
    await build({ entryPoints: [FIXTURE], outfile: out, bundle: true, format: 'esm', platform: 'node', sourcemap: 'linked', logLevel: 'silent' });
    const printed = execFileSync(process.execPath, [out], { encoding: 'utf8' });
    expect(printed).toContain('Error: a bug');
    expect(printed).toMatch(new RegExp(`at failing \\(${FIXTURE.replace(/[.]/g, '\\.')}:5:9\\)`));
    expect(printed).not.toContain('bundle.js:');
  });

  it('leaves frames without a map, and a map that cannot be read, as they are', () => {
    dir = mkdtempSync(join(tmpdir(), 'callhook-stack-'));
    const broken = join(dir, 'broken.js');
    writeFileSync(`${broken}.map`, '{not json');
    const stack = ['Error: x', `    at f (file://${broken}:1:2)`, '    at g (/no/such/file.js:3:4)', '    at node:internal/main:5:6'].join('\n');
    expect(mappedStack(stack)).toBe(stack);
  });
});

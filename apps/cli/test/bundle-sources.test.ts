import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

/** The bundle's files: main.js, the journal worker, the chunks and their CommonJS copies in cjs/ (scripts/bundle.mjs). */
const bundleFiles = () => [
  ...readdirSync(DIST).filter((f) => f === 'main.js' || f === 'journal-worker.js' || (f.startsWith('bundle-') && f.endsWith('.js'))),
  ...readdirSync(`${DIST}cjs`)
    .filter((f) => f.endsWith('.cjs'))
    .map((f) => `cjs/${f}`),
];

describe('the bundle (scripts/bundle.mjs)', () => {
  it('holds only Latin-1 characters, so V8 keeps each file as a one-byte string (half the memory of UTF-16)', () => {
    const files = bundleFiles();
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const wide = /[\u0100-\uffff]/.exec(readFileSync(`${DIST}${file}`, 'utf8'));
      expect(wide && `${file}: U+${wide[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${wide.index}`).toBeNull();
    }
  });
});

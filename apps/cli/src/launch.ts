#!/usr/bin/env node
// The `callhook` command as built (dist/main.js, bundled by scripts/bundle.mjs): `--version` answers
// at once; everything else runs the CommonJS bundle through V8's code cache (src/code-cache.ts).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliVersion } from './version.js';

// The one answer that needs no command tree: `callhook --version` starts about as fast as `node -e 0`.
const onlyVersion = process.argv.length === 3 && (process.argv[2] === '--version' || process.argv[2] === '-V');
if (onlyVersion) process.stdout.write(`${cliVersion()}\n`);
else {
  const { runWithCodeCache } = await import('./code-cache.js');
  process.exitCode = await runWithCodeCache(dirname(fileURLToPath(import.meta.url)), process.argv);
}

#!/usr/bin/env node
// tsc's unbundled entry (dist/cli.js): the same program as dist/main.js, loaded module by module.
import { cliVersion } from './version.js';

// The one answer that needs no command tree: `callhook --version` starts about as fast as `node -e 0`.
const onlyVersion = process.argv.length === 3 && (process.argv[2] === '--version' || process.argv[2] === '-V');
if (onlyVersion) process.stdout.write(`${cliVersion()}\n`);
else process.exitCode = await (await import('./run.js')).run(process.argv);

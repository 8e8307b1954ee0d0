// One flat config for the workspace. The block for packages/core keeps the core free of I/O:
// no Node built-ins, no Electron, no HTTP stacks, no `process`, no DOM globals. The "time and
// randomness through ports" block keeps the adapters' source on core's Clock and Random ports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

const domGlobals = [
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'XMLHttpRequest',
  'fetch',
  'WebSocket',
  'EventSource',
  'alert',
  'HTMLElement',
];

// Time and randomness go through core's Clock and Random ports everywhere outside tests; the one real
// implementation of each is in packages/node (systemClock, cryptoRandom), the only exception below.
const timeAndRandomness = {
  globals: [
    { name: 'setTimeout', message: 'time goes through the Clock port (systemClock from @callhook/node).' },
    { name: 'setInterval', message: 'time goes through the Clock port (systemClock from @callhook/node).' },
  ],
  properties: [
    { object: 'Date', property: 'now', message: 'time goes through the Clock port (clock.now()).' },
    { object: 'Math', property: 'random', message: 'randomness goes through the Random port (cryptoRandom from @callhook/node).' },
    { object: 'crypto', property: 'randomUUID', message: 'randomness goes through the Random port (cryptoRandom from @callhook/node).' },
  ],
  imports: [
    {
      name: 'node:crypto',
      importNames: ['randomUUID', 'randomBytes', 'randomFillSync', 'randomInt'],
      message: 'randomness goes through the Random port (cryptoRandom from @callhook/node).',
    },
    { name: 'node:timers', message: 'time goes through the Clock port (systemClock from @callhook/node).' },
    { name: 'node:timers/promises', message: 'time goes through the Clock port (systemClock from @callhook/node).' },
  ],
  syntax: [
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'the current time comes from the Clock port: new Date(clock.now()).' },
  ],
};

// zod's tree-shaking works through the namespace: `import { z } from 'zod'` makes the bundler keep the
// whole `z` object, all 40 locales and the JSON Schema converters included (0.75 MB against 0.17 MB loaded
// at start; apps/cli/README.md, "Start-up").
// (A syntax rule: no-restricted-imports would refuse `import * as z` too.)
const zodNamespace = {
  selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
  message: "import * as z from 'zod' (the named z keeps every locale of zod in the bundle).",
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/artifacts/**', '**/coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', zodNamespace],
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'core has no I/O: define a port in core and implement it in an adapter package.' },
            {
              group: ['electron', 'electron/*', 'fastify', 'fastify/*', '@fastify/*', 'undici', 'undici/*'],
              message: 'core has no I/O: define a port in core and implement it in an adapter package.',
            },
          ],
          paths: nodeBuiltins.map((name) => ({ name, message: 'core has no I/O: Node built-ins belong in adapters.' })),
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'core has no I/O: take configuration as arguments.' },
        { name: 'Buffer', message: 'core runs anywhere: use Uint8Array and TextEncoder.' },
        { name: 'setTimeout', message: 'time goes through the Clock port.' },
        { name: 'setInterval', message: 'time goes through the Clock port.' },
        { name: 'require', message: 'core is ESM without I/O.' },
        ...domGlobals.map((name) => ({ name, message: 'core has no DOM: the UI package owns the browser.' })),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'time goes through the Clock port.' },
        { object: 'Math', property: 'random', message: 'randomness goes through the Random port.' },
      ],
    },
  },
  {
    // Everywhere outside tests and the CLI's commands (their user-facing sleeps and keep-alive: see
    // apps/cli/README.md).
    files: [
      'packages/sip/src/**/*.ts',
      'packages/mqtt/src/**/*.ts',
      'packages/phones/src/**/*.ts',
      'packages/server/src/**/*.ts',
      'apps/cli/src/**/*.ts',
      'apps/desktop/src/main/**/*.ts',
      'packages/node/src/**/*.ts',
    ],
    ignores: [
      'apps/cli/src/commands/**',
      // The adapters themselves: the one place that may touch the real clock and the CSPRNG.
      'packages/node/src/system-clock.ts',
      'packages/node/src/crypto-random.ts',
    ],
    rules: {
      'no-restricted-globals': ['error', ...timeAndRandomness.globals],
      'no-restricted-properties': ['error', ...timeAndRandomness.properties],
      'no-restricted-imports': ['error', { paths: timeAndRandomness.imports }],
      'no-restricted-syntax': ['error', ...timeAndRandomness.syntax, zodNamespace],
    },
  },
);

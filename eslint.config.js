// One flat config for the workspace. The block for packages/core keeps the core free of I/O:
// no Node built-ins, no Electron, no HTTP stacks, no `process`, no DOM globals.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises',
  'http', 'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers',
  'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

const domGlobals = [
  'window', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage', 'XMLHttpRequest',
  'fetch', 'WebSocket', 'EventSource', 'alert', 'HTMLElement',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/artifacts/**', '**/coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*'], message: 'core has no I/O: define a port in core and implement it in an adapter package.' },
          { group: ['electron', 'electron/*', 'fastify', 'fastify/*', '@fastify/*', 'undici', 'undici/*'],
            message: 'core has no I/O: define a port in core and implement it in an adapter package.' },
        ],
        paths: nodeBuiltins.map((name) => ({ name, message: 'core has no I/O: Node built-ins belong in adapters.' })),
      }],
      'no-restricted-globals': ['error',
        { name: 'process', message: 'core has no I/O: take configuration as arguments.' },
        { name: 'Buffer', message: 'core runs anywhere: use Uint8Array and TextEncoder.' },
        { name: 'setTimeout', message: 'time goes through the Clock port.' },
        { name: 'setInterval', message: 'time goes through the Clock port.' },
        { name: 'require', message: 'core is ESM without I/O.' },
        ...domGlobals.map((name) => ({ name, message: 'core has no DOM: the UI package owns the browser.' })),
      ],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'time goes through the Clock port.' },
        { object: 'Math', property: 'random', message: 'randomness goes through the Random port.' },
      ],
    },
  },
);

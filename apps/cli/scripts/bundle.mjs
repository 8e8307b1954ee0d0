// Bundles the callhook command into dist/main.js with esbuild (the last step of `pnpm build`, after
// tsc has written dist/ and every workspace package its own dist/). Why: `serve` loaded ~600 ES module
// files one by one (resolve, read, compile each); as a few files it starts in far less CPU time (the
// numbers are in README.md, "Start-up").
//
// - Entry: src/cli.ts, the same program tsc compiles to dist/cli.js (the unbundled build, kept for
//   the cold-start bench's comparison). Every import() stays lazy: with `splitting`, what is loaded on
//   demand (a command, the SIP stack, MQTT, the desk-phone drivers, prom-client, @fastify/swagger,
//   undici, pg…) is a chunk of its own (dist/bundle-*.js), loaded when the code asks for it. The
//   chunks sit beside main.js, so `new URL(…, import.meta.url)` in the CLI (../package.json,
//   ./main.js) means what it did in tsc's dist/.
// - The journal's worker thread (`new Worker(new URL('./journal-worker.js', import.meta.url))` in
//   @callhook/server) is a second entry, dist/journal-worker.js, beside the chunk that starts it.
// - External: better-sqlite3 and @callhook/srtp-openssl (native addons, found by the paths of their own
//   files), opusscript (loaded by @callhook/sip through createRequire) and @callhook/ui/dist-path (which
//   finds the console's files relative to itself): all are dependencies of this package, so Node
//   resolves them from dist/ as before.
// - CommonJS dependencies call require() for Node's built-ins: each output file defines `require`
//   (createRequire of its own URL), which esbuild's ESM output calls for them.
// - One-byte sources: V8 keeps a file's source as a Latin-1 string only when every character fits;
//   one em dash in a comment makes the whole file a UTF-16 string, twice the memory (the start-up
//   chunks were 2.9 MB of source, 5.7 MB in memory). esbuild escapes every non-ASCII character of
//   code (its default `charset: 'ascii'`), so what is left above U+00FF is in comments kept beside
//   code (JSDoc of schema fields, locale notes): each such UTF-16 unit becomes one `?`, which keeps
//   every column, so the source maps still fit.
// - Source maps (dist/*.js.map) go back through each package's own map to the TypeScript sources;
//   `node --enable-source-maps` (or NODE_OPTIONS) makes stack traces name them.
import { build } from 'esbuild';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const journalWorker = new URL('./journal/journal-worker.js', import.meta.resolve('@callhook/server'));

// Chunks of an earlier bundle: their names change with their contents.
for (const file of readdirSync(dist)) if (file.startsWith('bundle-')) rmSync(`${dist}${file}`);

const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli.ts', 'journal-worker': fileURLToPath(journalWorker) },
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: 'bundle-[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  sourcesContent: false,
  external: ['better-sqlite3', 'opusscript', '@callhook/ui/dist-path', '@callhook/srtp-openssl'],
  banner: { js: "import { createRequire as __callhookRequire } from 'node:module'; const require = __callhookRequire(import.meta.url);" },
  // Optional peers that their packages require inside try/catch (pg-native, ws's bufferutil, …).
  logOverride: { 'require-resolve-not-external': 'silent' },
  logLevel: 'warning',
  metafile: true,
});
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
for (const [file] of outputs) {
  const text = readFileSync(`${root}${file}`, 'utf8');
  if (/[\u0100-\uffff]/.test(text)) writeFileSync(`${root}${file}`, text.replace(/[\u0100-\uffff]/g, '?'));
}
const bytes = outputs.reduce((sum, [, output]) => sum + output.bytes, 0);
console.log(`bundled dist/main.js: ${outputs.length} files, ${Math.round(bytes / 1024)} KiB`);

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
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const BANNER = "import { createRequire as __callhookRequire } from 'node:module'; const require = __callhookRequire(import.meta.url);";
const journalWorker = new URL('./journal/journal-worker.js', import.meta.resolve('@callhook/server'));

// Chunks of an earlier bundle: their names change with their contents.
for (const file of readdirSync(dist)) if (file.startsWith('bundle-')) rmSync(`${dist}${file}`);

/** What every build here shares: bundled for Node 20, with linked source maps that name the files. */
const forNode = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', sourcesContent: false };

/** What both ES module builds (the program and its launcher) share. */
const esm = {
  ...forNode,
  absWorkingDir: root,
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: 'bundle-[name]-[hash]',
  splitting: true,
  format: 'esm',
  logLevel: 'warning',
};

// CommonJS packages that fastify requires only when used, each bundled into a file of its own
// (dist/deferred-<name>.cjs), loaded by Node's require at that first use: their source is then not in
// the start-up chunk that holds fastify. fastify requires the schema compilers only for a server without
// its own compilers (callhook's are zod's: packages/server, `ZOD_COMPILERS`), light-my-request at the
// first `inject()` (tests) and pino only with a `logger` (callhook's is `false`: it logs through its
// own). With ajv, fast-json-stringify, fast-uri and pino's streams under them that was ~800 KB of the
// 1.5 MB chunk, kept in memory as source by every start (apps/cli/README.md, "Start-up").
const DEFERRED = ['@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', 'light-my-request', 'pino'];
const deferredFile = (id) => `./deferred-${id.replace(/^@/, '').replace(/\//g, '-')}.cjs`;
for (const file of readdirSync(dist)) if (file.startsWith('deferred-')) rmSync(`${dist}${file}`);
const fastifyRequire = createRequire(createRequire(fileURLToPath(import.meta.resolve('@callhook/server'))).resolve('fastify'));
for (const id of DEFERRED) {
  await build({
    absWorkingDir: root,
    entryPoints: [fastifyRequire.resolve(id)],
    outfile: `dist/${deferredFile(id).slice(2)}`,
    ...forNode,
    format: 'cjs',
    logLevel: 'warning',
  });
}

const result = await build({
  ...esm,
  entryPoints: { 'bundle-run': 'src/run.ts', 'journal-worker': fileURLToPath(journalWorker) },
  external: ['better-sqlite3', 'opusscript', '@callhook/ui/dist-path', '@callhook/srtp-openssl'],
  banner: { js: BANNER },
  // Optional peers that their packages require inside try/catch (pg-native, ws's bufferutil, …).
  logOverride: { 'require-resolve-not-external': 'silent' },
  metafile: true,
  plugins: [
    {
      name: 'deferred-requires',
      setup(b) {
        const filter = new RegExp(`^(${DEFERRED.map((id) => id.replace(/[/.]/g, '\\$&')).join('|')})$`);
        b.onResolve({ filter }, (args) => (args.kind === 'require-call' ? { path: deferredFile(args.path), external: true } : undefined));
      },
    },
  ],
});
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
for (const [file] of outputs) {
  const text = readFileSync(`${root}${file}`, 'utf8');
  if (/[\u0100-\uffff]/.test(text)) writeFileSync(`${root}${file}`, text.replace(/[\u0100-\uffff]/g, '?'));
}
const bytes = outputs.reduce((sum, [, output]) => sum + output.bytes, 0);

// The launcher, dist/main.js: `--version` at once, everything else through the code cache's loader
// (its own chunk, so `--version` does not load node:vm or node:crypto).
await build({ ...esm, entryPoints: { main: 'src/launch.ts' } });

// The CommonJS copy (dist/cjs/*.cjs) that dist/main.js runs through V8's code cache: each ES module
// file of the bundle (not the journal worker's entry, which stays an ES module in its own thread)
// turned into CommonJS one for one, so the chunks, and what is loaded lazily, stay as they are. An
// import of another chunk stays an import (external): `require('./bundle-x.js')`, import() included
// (esbuild writes `Promise.resolve().then(() => __toESM(require(…)))`: a vm.Script cannot run import()
// in Node 20 without --experimental-vm-modules), which the loader (src/code-cache.ts) maps to
// `bundle-x.cjs`. The one ES-module-only package imported lazily, @callhook/ui/dist-path, is
// imported by the loader (`__callhookImport`). `import.meta.url` becomes `__callhookImportMetaUrl`,
// the URL of the ES module file. The ES module banner's `require` is blanked (same length: the source maps, which esbuild
// chains through the input files' maps to the TypeScript sources, still fit); the wrapper's
// `require` takes its place.
const cjsDir = `${dist}cjs/`;
// ES-module-only packages left outside the bundle: Node 20's require() cannot load them. An import()
// of one is handed to the loader (`__callhookImport`); a static import stays `require(id)`, and the
// loader imports the package before the CLI runs (dist/cjs/esm-only.json lists them), so its require
// answers the module namespace. Any other external must be one require() can load: checked below.
const ESM_ONLY = ['@callhook/ui/dist-path', '@callhook/srtp-openssl'];
/** What src/code-cache.ts passes to each file (keep the two in step). */
const CJS_WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname, __callhookImportMetaUrl, __callhookImport) {';
rmSync(cjsDir, { recursive: true, force: true });
const chunks = outputs.map(([file]) => file.slice('dist/'.length)).filter((file) => file.startsWith('bundle-'));
const cjs = await build({
  absWorkingDir: dist,
  entryPoints: chunks,
  outdir: cjsDir,
  outExtension: { '.js': '.cjs' },
  ...forNode,
  format: 'cjs',
  define: { 'import.meta.url': '__callhookImportMetaUrl' },
  // The CommonJS wrapper is in the file (src/code-cache.ts compiles the file as it is, no copy joined
  // at run time); esbuild's source maps count these lines.
  banner: { js: CJS_WRAPPER_HEAD },
  footer: { js: '})' },
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
  metafile: true,
  plugins: [
    {
      name: 'chunks-stay-apart',
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) => (args.kind === 'entry-point' ? undefined : { path: args.path, external: true }));
        b.onLoad({ filter: /\.js$/ }, (args) => {
          const text = readFileSync(args.path, 'latin1');
          if (!text.includes(BANNER)) throw new Error(`${args.path}: the ES module banner is missing`);
          let contents = text.replace(BANNER, ' '.repeat(BANNER.length));
          for (const id of ESM_ONLY) contents = contents.replaceAll(`import("${id}")`, `__callhookImport("${id}")`);
          return { contents, loader: 'js', resolveDir: dist };
        });
      },
    },
  ],
});
const nodeRequire = createRequire(`${dist}main.js`);
const preload = new Set();
for (const output of Object.values(cjs.metafile.outputs)) {
  for (const { path, external } of output.imports) {
    if (!external || path.startsWith('./') || isBuiltin(path)) continue;
    if (ESM_ONLY.includes(path)) preload.add(path);
    else if (!requireable(path))
      throw new Error(`bundle: ${path} is an ES module only package the CommonJS copy would require(): add it to ESM_ONLY in scripts/bundle.mjs`);
  }
}
writeFileSync(`${cjsDir}esm-only.json`, `${JSON.stringify([...preload])}\n`);

/** Whether Node 20's require() loads this package from dist/ (it resolves, and not to an ES module). */
function requireable(id) {
  let file;
  try {
    file = nodeRequire.resolve(id);
  } catch {
    // Optional peers that are not installed (pg-native, bufferutil…) are required inside try/catch.
    return !existsSync(
      `${root}node_modules/${id
        .split('/')
        .slice(0, id.startsWith('@') ? 2 : 1)
        .join('/')}`,
    );
  }
  if (file.endsWith('.mjs')) return false;
  if (file.endsWith('.cjs') || file.endsWith('.node') || file.endsWith('.json')) return true;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(`${dir}/package.json`)) return JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')).type !== 'module';
  }
  return true;
}

for (const file of Object.keys(cjs.metafile.outputs).filter((f) => f.endsWith('.cjs'))) {
  const path = `${dist}${file}`;
  const text = readFileSync(path, 'utf8');
  // An import of another chunk: esbuild, seeing ES modules of a `"type": "module"` package import a
  // CommonJS file, gives them Node's view of it (`default` = the whole `module.exports`: `__toESM(…, 1)`);
  // but the chunk is an ES module turned CommonJS (`__esModule` set), whose `default` is its own.
  const chunkImport = /__toESM\(require\("(\.\/bundle-[\w-]+\.js)"\), 1\)/g;
  const fixed = text.replace(chunkImport, '__toESM(require("$1"))').replace(/[\u0100-\uffff]/g, '?');
  if (fixed !== text) writeFileSync(path, fixed);
}
console.log(`bundled dist/main.js: ${outputs.length} files, ${Math.round(bytes / 1024)} KiB (and their CommonJS copies in dist/cjs)`);

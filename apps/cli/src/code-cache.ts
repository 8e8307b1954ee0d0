import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { systemClock } from '@callhook/node';
import { Script } from 'node:vm';
import { READY_EVENT } from './ready-event.js';
import { holdWhileStarting } from './start-flags.js';

/**
 * Runs the CommonJS copy of the bundle (`dist/cjs/*.cjs`, made by `scripts/bundle.mjs`) with V8's
 * code cache: each file is compiled by a `vm.Script` given the bytecode a ready `serve` left
 * (`script.createCachedData()` after `listening on`), so V8 deserializes the functions a start runs
 * instead of parsing and compiling them (Node 20 has no code cache for ES modules; `vm.Script`'s
 * `cachedData` is the API: https://nodejs.org/docs/latest-v20.x/api/vm.html#scriptcreatecacheddata).
 * Only what had run is in the cache, so a start keeps no more code than it would compile anyway.
 *
 * The cache file (`dist/cjs/start.cache`, written by the build; with node flags one per set of
 * flags beside it, see {@link defaultCacheName}; `CALLHOOK_CODE_CACHE=FILE` names another, `off`
 * runs without one) is one line of JSON — Node and V8 versions, and per bundle file
 * its name, the SHA-1 of its source and where its bytes are — then the bytes. A missing or unreadable
 * file, another Node or V8, a source whose hash differs (a rebuilt bundle: V8 itself checks only the
 * source's length) or bytes V8 refuses (`script.cachedDataRejected`, e.g. other V8 flags) mean that
 * file is compiled from its source, as without a cache; then, once `serve` is ready, the cache is
 * written again (atomically, by rename; entries of files this start did not load are kept) — or left
 * as it is when its directory is read-only (an installed copy), which costs only the speed.
 */

/** What the cache file's first line holds. */
interface CacheHeader {
  format: 1;
  node: string;
  v8: string;
  /** Per bundle file (its name in dist/cjs): SHA-1 of its source (hex), and its bytes' place after the header line. */
  files: Record<string, { sha1: string; offset: number; length: number }>;
}

/** One file of the bundle as this process loaded it. */
interface Loaded {
  script: Script;
  sha1: string;
  /** `cached`: V8 took the cache's bytes; otherwise why it compiled the source. */
  cache: 'cached' | 'none' | 'stale' | 'rejected';
}

const MAGIC = 'callhook-code-cache\n';

/** The most a read of the loader takes from its scratch memory (a bundle file or a cache entry: the largest are ~1 MB). */
const SCRATCH_MAX_BYTES = 64 * 1024 * 1024;

/** An ES2024 resizable ArrayBuffer (Node 20's V8 has it; TypeScript's ES2023 lib does not declare it). */
interface ResizableArrayBuffer extends ArrayBuffer {
  readonly maxByteLength: number;
  resize(byteLength: number): void;
}

/** An empty resizable ArrayBuffer that may grow to {@link SCRATCH_MAX_BYTES}. */
function resizableBuffer(): ResizableArrayBuffer {
  const Resizable = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ResizableArrayBuffer;
  return new Resizable(0, { maxByteLength: SCRATCH_MAX_BYTES });
}

/**
 * Node built-ins the bundle requires at start for a path no edition takes, answered by a stand-in
 * that loads the module at its first use (any property read, `in`, key listing): fastify's
 * `lib/server.js` requires `http2` at load and uses it only for an `http2: true` server; loading it
 * cost 0.3–0.6 MiB of RSS at ready (apps/cli/README.md, "Start-up"). undici, its one other user, reads it when its chunk
 * loads (the first delivery), as before. (The other built-ins a start loads and may not need are not
 * worth it or not ours to defer: `net`'s listen loads `cluster`, and with it `child_process`; `dns`,
 * `assert` and `perf_hooks` are read when their requirers load.)
 */
const LAZY_BUILTINS = new Set(['node:http2', 'http2']);

/** A stand-in for the module `load()` answers, loaded at its first use (see {@link LAZY_BUILTINS}). */
function lazyModule(load: () => object): object {
  let module: object | null = null;
  const real = () => (module ??= load());
  return new Proxy(
    {},
    {
      get: (_, key) => Reflect.get(real(), key),
      has: (_, key) => Reflect.has(real(), key),
      ownKeys: () => Reflect.ownKeys(real()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
        // A proxy may report a property its (empty) target lacks only as configurable.
        return descriptor && { ...descriptor, configurable: true };
      },
      set: (_, key, value) => Reflect.set(real(), key, value),
      getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    },
  );
}

/**
 * A loader of one directory of CommonJS bundle files. `require('./bundle-x.js')` inside them loads
 * `bundle-x.cjs` of the directory through this loader; any other name goes to Node's `require`,
 * resolved from `esmDir` (dist/, where the ES module bundle and `node_modules` resolution live).
 * `import.meta.url` in the bundle (replaced by `__callhookImportMetaUrl`) is the URL of the same file
 * in `esmDir`, so `new URL('../package.json', import.meta.url)` means what it means there.
 */
export class CodeCacheLoader {
  private readonly exportsByFile = new Map<string, unknown>();
  private readonly loaded = new Map<string, Loaded>();
  private readonly nodeRequire: NodeJS.Require;
  /** ES-module-only packages imported before the bundle runs, by name: what its `require(name)` answers. */
  private readonly esModules = new Map<string, unknown>();
  /** The stand-ins of {@link LAZY_BUILTINS} given out so far, by name. */
  private readonly lazyBuiltins = new Map<string, object>();
  private header: CacheHeader | null = null;
  /** The cache file, open while the loader may read it; where its entries start (after the header line). */
  private cacheFd: number | null = null;
  private entriesAt = 0;
  /**
   * The memory of one file's reads (its source, then its cache entry), given back once V8 compiled it:
   * the cache file (~2 MB) is never held whole, only the entries a start loads, one at a time. A
   * resizable ArrayBuffer (V8 reserves it from the system's pages, not through malloc), grown to what a
   * read needs and shrunk to nothing after each file, which returns its pages at once. A malloc'd buffer
   * per file (as before) was freed whenever a GC came, and glibc, freeing a block it had mapped,
   * raises its mmap threshold to that block's size (mallopt(3), M_MMAP_THRESHOLD): every later
   * allocation below ~0.5 to 1 MB then went to the heap around holes it did not give back: RSS at ready
   * +0.5 to 0.7 MiB (apps/cli/README.md, "Start-up").
   */
  private readonly scratch = resizableBuffer();
  /** Why the file as a whole was not used (missing, unreadable, other Node), or null. */
  private fileProblem: string | null = null;

  /**
   * @param cjsDir the directory of the `.cjs` files (dist/cjs)
   * @param esmDir the directory of the ES module bundle (dist)
   * @param cacheFile the cache file, or null to run without one
   * @param seedFile read instead when `cacheFile` cannot be read (the build's cache, for a cache kept
   *   elsewhere): the start uses it, and `cacheFile` is written at ready
   */
  constructor(
    private readonly cjsDir: string,
    private readonly esmDir: string,
    private readonly cacheFile: string | null,
    seedFile: string | null = null,
  ) {
    this.nodeRequire = createRequire(join(esmDir, 'main.js'));
    if (cacheFile) this.readCache(cacheFile);
    if (cacheFile && seedFile && this.fileProblem?.startsWith('cannot read ')) {
      const problem = this.fileProblem;
      this.fileProblem = null;
      this.readCache(seedFile);
      this.fileProblem = `${problem}; ${this.fileProblem ? `and ${this.fileProblem}` : `started from ${seedFile}`}`;
    }
  }

  /** Loads (once) a bundle file by its name in the directory, e.g. `run.cjs`, and answers its exports. */
  load(name: string): unknown {
    const known = this.exportsByFile.get(name);
    if (known) return known;
    const filename = join(this.cjsDir, name);
    // Latin-1: the bundle holds no character above U+00FF (scripts/bundle.mjs), so V8 keeps a one-byte
    // string. Each file is already one function expression, `(function (exports, require, module,
    // __filename, __dirname, __callhookImportMetaUrl, __callhookImport) {…})` (the build wrote it).
    const bytes = this.readWhole(filename);
    const sha1 = createHash('sha1').update(bytes).digest('hex');
    const source = bytes.toString('latin1');
    const entry = this.header?.files[name];
    const fresh = entry && entry.sha1 === sha1 ? this.readEntry(entry) : undefined;
    const script = new Script(source, { filename, cachedData: fresh });
    // V8 has taken what it needs: the scratch memory's pages go back now, not kept till the next file.
    this.scratch.resize(0);
    const cache: Loaded['cache'] = !entry ? 'none' : !fresh ? 'stale' : script.cachedDataRejected ? 'rejected' : 'cached';
    this.loaded.set(name, { script, sha1, cache });
    const module = { exports: {} as unknown };
    this.exportsByFile.set(name, module.exports);
    const esmUrl = pathToFileURL(join(this.esmDir, name.replace(/\.cjs$/, '.js'))).href;
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    try {
      wrapper(
        module.exports,
        (id: string) => this.require(id),
        module,
        filename,
        this.cjsDir,
        esmUrl,
        (id: string) => this.import(id),
      );
    } catch (error) {
      // As an ES module that throws while it is evaluated: the next import tries again, no half-made exports.
      this.exportsByFile.delete(name);
      throw error;
    }
    this.exportsByFile.set(name, module.exports);
    return module.exports;
  }

  /** How each file loaded so far was compiled (`cached`, or why not), by name: for tests and the bench. */
  report(): Record<string, Loaded['cache']> {
    return Object.fromEntries([...this.loaded].map(([name, l]) => [name, l.cache]));
  }

  /**
   * Closes the cache file and lets go of the read buffer: after `serve` is ready, what is loaded later
   * (a lazy part at first use) compiles from source, and the cache is not written again by this process.
   */
  release(): void {
    this.header = null;
    if (this.cacheFd !== null) closeSync(this.cacheFd);
    this.cacheFd = null;
    this.scratch.resize(0);
  }

  /** Why the cache file was not used at all, or null when it was read. */
  problem(): string | null {
    return this.fileProblem;
  }

  /** Whether writing the cache again would help: a loaded file's cache was stale or refused, or there was no usable file. */
  needsWrite(): boolean {
    if (!this.cacheFile) return false;
    if (this.fileProblem) return true;
    return [...this.loaded.values()].some((l) => l.cache === 'stale' || l.cache === 'rejected');
  }

  /**
   * Writes the cache: the code V8 holds now for every file loaded, and the entries of files this
   * process did not load that still match their source. Atomic (a temporary file renamed over it).
   * Throws the file system's error (read-only directory, disk full); the caller decides.
   */
  write(): void {
    if (!this.cacheFile) return;
    const parts: { name: string; sha1: string; data: Buffer }[] = [];
    for (const [name, l] of this.loaded) parts.push({ name, sha1: l.sha1, data: l.script.createCachedData() });
    if (this.header) {
      for (const [name, entry] of Object.entries(this.header.files)) {
        if (this.loaded.has(name) || !this.sourceMatches(name, entry.sha1)) continue;
        const data = this.readEntry(entry);
        if (data) parts.push({ name, sha1: entry.sha1, data: Buffer.from(data) });
      }
    }
    const header: CacheHeader = { format: 1, node: process.version, v8: process.versions.v8, files: {} };
    let offset = 0;
    for (const p of parts) {
      header.files[p.name] = { sha1: p.sha1, offset, length: p.data.length };
      offset += p.data.length;
    }
    const tmp = join(dirname(this.cacheFile), `.${basename(this.cacheFile)}.${process.pid}.tmp`);
    try {
      writeFileSync(tmp, Buffer.concat([Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`, 'latin1'), ...parts.map((p) => p.data)]));
      renameSync(tmp, this.cacheFile);
    } catch (error) {
      rmSync(tmp, { force: true });
      throw error;
    }
  }

  private sourceMatches(name: string, sha1: string): boolean {
    try {
      return (
        createHash('sha1')
          .update(this.readWhole(join(this.cjsDir, name)))
          .digest('hex') === sha1
      );
    } catch {
      return false;
    }
  }

  /** `size` bytes of the scratch memory (valid until the next read; a file too big for it gets a buffer of its own). */
  private scratchOf(size: number): Buffer {
    if (size > this.scratch.maxByteLength) return Buffer.allocUnsafe(size);
    if (this.scratch.byteLength < size) this.scratch.resize(size);
    return Buffer.from(this.scratch, 0, size);
  }

  /** A file's bytes, in the scratch buffer (valid until the next read). */
  private readWhole(file: string): Buffer {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      const buffer = this.scratchOf(size);
      let done = 0;
      while (done < size) {
        const n = readSync(fd, buffer, done, size - done, done);
        if (n === 0) break;
        done += n;
      }
      return buffer.subarray(0, done);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * An entry's bytes from the open cache file, in the scratch buffer (valid until the next read), or
   * undefined when they cannot be read (the file then counts as stale: it compiles from source).
   */
  private readEntry(entry: { offset: number; length: number }): Buffer | undefined {
    try {
      const buffer = this.scratchOf(entry.length);
      const n = readSync(this.cacheFd!, buffer, 0, entry.length, this.entriesAt + entry.offset);
      return n === entry.length ? buffer.subarray(0, n) : undefined;
    } catch {
      return undefined;
    }
  }

  private readCache(file: string): void {
    let fd: number;
    let size: number;
    try {
      fd = openSync(file, 'r');
      size = fstatSync(fd).size;
    } catch (error) {
      this.fileProblem = `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
      return;
    }
    const problem = this.readHeader(fd, size, file);
    if (problem) {
      this.fileProblem = problem;
      closeSync(fd);
    } else this.cacheFd = fd;
  }

  /** Reads and checks the header line of the cache file open as `fd`; answers what is wrong with it, or null. */
  private readHeader(fd: number, size: number, file: string): string | null {
    // The header is a few KiB: read on until its newline.
    let head = Buffer.alloc(0);
    let newline = -1;
    while (newline < 0 && head.length < size) {
      const more = Buffer.allocUnsafe(Math.min(64 * 1024, size - head.length));
      const n = readSync(fd, more, 0, more.length, head.length);
      if (n === 0) break;
      head = Buffer.concat([head, more.subarray(0, n)]);
      if (head.length >= MAGIC.length && head.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) break;
      newline = head.indexOf(10, MAGIC.length);
    }
    if (head.subarray(0, MAGIC.length).toString('latin1') !== MAGIC || newline < 0) return `${file} is not a code cache`;
    let header: CacheHeader;
    try {
      header = JSON.parse(head.subarray(MAGIC.length, newline).toString('latin1')) as CacheHeader;
    } catch {
      return `${file} has a damaged header`;
    }
    if (header.format !== 1 || header.node !== process.version || header.v8 !== process.versions.v8 || typeof header.files !== 'object')
      return `${file} was made by Node ${String(header.node)} (V8 ${String(header.v8)}), this is ${process.version}`;
    const entriesAt = newline + 1;
    for (const entry of Object.values(header.files)) {
      if (!(entry.offset >= 0 && entry.length >= 0 && entriesAt + entry.offset + entry.length <= size)) return `${file} is truncated`;
    }
    this.header = header;
    this.entriesAt = entriesAt;
    return null;
  }

  /**
   * Imports the ES-module-only packages the bundle requires statically (dist/cjs/esm-only.json, written
   * by scripts/bundle.mjs), so that its `require(name)` can answer their namespaces: Node 20's require()
   * cannot load an ES module. Resolved from dist/, as the ES module bundle would.
   */
  async importEsModules(): Promise<void> {
    let ids: string[] = [];
    try {
      ids = JSON.parse(new TextDecoder().decode(this.readWhole(join(this.cjsDir, 'esm-only.json')))) as string[];
    } catch {
      // No list: a bundle without such packages.
    }
    this.scratch.resize(0);
    for (const [i, namespace] of (await Promise.all(ids.map((id) => import(id) as Promise<unknown>))).entries()) this.esModules.set(ids[i]!, namespace);
  }

  private require(id: string): unknown {
    if (id.startsWith('./bundle-') && id.endsWith('.js')) return this.load(`${id.slice(2, -3)}.cjs`);
    if (this.esModules.has(id)) return this.esModules.get(id);
    if (LAZY_BUILTINS.has(id)) {
      let stand = this.lazyBuiltins.get(id);
      if (!stand) this.lazyBuiltins.set(id, (stand = lazyModule(() => this.nodeRequire(id) as object)));
      return stand;
    }
    return this.nodeRequire(id);
  }

  /** import() of an ES-module-only package the bundle leaves outside (scripts/bundle.mjs, `ESM_ONLY`), resolved from dist/. */
  private import(id: string): Promise<unknown> {
    return import(id);
  }
}

/**
 * The cache file's name in dist/cjs for a process started with these node flags: `start.cache` (the
 * one the build writes) without any, else `start-<12 hex digits of their SHA-1>.cache`. V8 refuses
 * a cache made under other V8 flags (`--max-old-space-size`, `--expose-gc`… all count), so each set of
 * flags keeps a file of its own instead of each start with other flags writing over the one before.
 */
export function defaultCacheName(execArgv: readonly string[], nodeOptions: string | undefined): string {
  const flags = JSON.stringify([execArgv, nodeOptions?.trim() ?? '']);
  if (execArgv.length === 0 && !nodeOptions?.trim()) return 'start.cache';
  return `start-${createHash('sha1').update(flags).digest('hex').slice(0, 12)}.cache`;
}

/** When a command other than `serve` (`tail` runs on) gets back what start-flags held: its start is long over by then. */
const CLIENT_RELEASE_MS = 2_000;

/**
 * Runs the CLI (`bundle-run.cjs` of `dist/cjs`) for `argv` with the code cache, and answers its exit code.
 * Once `serve` emits {@link READY_EVENT}, a cache that was missing, stale or refused is written again
 * (a failure to write is ignored: the next start compiles from source again, nothing else changes).
 * `CALLHOOK_CODE_CACHE=FILE` uses another cache file (one that cannot be read yet, the first time,
 * is replaced by the build's for this start, and written at ready: a writable place for an install
 * whose own directory is read-only, e.g. systemd's CacheDirectory); `off` none.
 * `CALLHOOK_CODE_CACHE_WRITE=1` writes it at ready in any case (the build's step), and
 * `CALLHOOK_CODE_CACHE_REPORT=1` prints, at ready, one line to stderr: `code cache: {…}` (how each file was compiled).
 *
 * Before the first file is compiled, V8's optimizing compiler and its young generation's growth are held
 * back (src/start-flags.ts) — for every command, as the flags count in the cache's flag hash — and set
 * back once `serve` is ready, after the cache is written; a command other than `serve` (which never gets
 * ready) gets them back {@link CLIENT_RELEASE_MS} after it started.
 */
export async function runWithCodeCache(distDir: string, argv: string[]): Promise<number> {
  const hold = holdWhileStarting([...process.execArgv, ...(process.env.NODE_OPTIONS?.split(/\s+/) ?? [])]);
  if (argv.slice(2).find((arg) => !arg.startsWith('-')) !== 'serve') systemClock.setTimeout(() => hold.release(), CLIENT_RELEASE_MS);
  const cjsDir = join(distDir, 'cjs');
  const setting = process.env.CALLHOOK_CODE_CACHE;
  const ownFile = join(cjsDir, defaultCacheName(process.execArgv, process.env.NODE_OPTIONS));
  const cacheFile = setting === 'off' ? null : setting || ownFile;
  const loader = new CodeCacheLoader(cjsDir, distDir, cacheFile, setting && setting !== 'off' ? ownFile : null);
  // After the banner: the cache then holds what a start ran, to the end.
  process.once(READY_EVENT, () =>
    setImmediate(() => {
      if (process.env.CALLHOOK_CODE_CACHE_REPORT === '1')
        process.stderr.write(`code cache: ${JSON.stringify({ problem: loader.problem(), files: loader.report() })}\n`);
      try {
        if (loader.needsWrite() || process.env.CALLHOOK_CODE_CACHE_WRITE === '1') loader.write();
      } catch {
        // A read-only install: the next start compiles from source, as this one did.
      } finally {
        loader.release();
        hold.release();
      }
    }),
  );
  await loader.importEsModules();
  const { run } = loader.load('bundle-run.cjs') as { run: (argv: string[]) => Promise<number> };
  return run(argv);
}

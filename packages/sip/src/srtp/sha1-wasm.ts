import { createSHA1, type IHasher } from 'hash-wasm';

/**
 * One SHA-1 (FIPS 180-4) in WebAssembly for the whole process, from hash-wasm 4.13.0 (`createSHA1`), for
 * the SRTP authentication tag (`HmacSha1`). hash-wasm compiles and instantiates its module only
 * asynchronously, so the first `HmacSha1` made starts loading it and tags are made with Node's native
 * SHA-1 until it is there (a few milliseconds; both give the same tags). Every tag uses the one instance
 * from `init()` to `digest()` inside one synchronous call, so sharing it between keys, SSRCs and calls
 * is safe: no state is left in it between tags.
 */

let loaded: IHasher | undefined;
let loading: Promise<IHasher | undefined> | undefined;
/** Why loading failed, if it did (tags then stay on the native SHA-1). */
let failure: Error | undefined;

/** The process's WebAssembly SHA-1 when it is loaded; else undefined, and loading starts (once). Never throws. */
export function wasmSha1(): IHasher | undefined {
  if (loaded === undefined && loading === undefined) void loadWasmSha1();
  return loaded;
}

/**
 * Loads the WebAssembly SHA-1 (once per process) and resolves with whether it is in use. Never rejects:
 * an environment without WebAssembly, or a module that does not load, leaves the native SHA-1 in use and
 * the reason in `wasmSha1Failure()`. A line may await it when it starts so its first SRTP packets take
 * the faster way; SRTP works without it.
 */
export function loadWasmSha1(): Promise<boolean> {
  loading ??= createSHA1().then(
    (hasher) => (loaded = hasher),
    (error: unknown) => {
      failure = error instanceof Error ? error : new Error(String(error));
      return undefined;
    },
  );
  return loading.then((hasher) => hasher !== undefined);
}

/** Why the WebAssembly SHA-1 could not be loaded, or undefined (loaded, loading, or not tried yet). */
export function wasmSha1Failure(): Error | undefined {
  return failure;
}

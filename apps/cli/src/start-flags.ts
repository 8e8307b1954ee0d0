import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings held back while a process starts, and set back once `serve` is ready: what a start costs
 * in memory that a ready server does not need. Measured on `serve --demo` (apps/cli/README.md, "Start-up"):
 *
 * - **TurboFan** (`--no-turbofan`, back to `--turbofan`): a start runs a few functions often enough to
 *   make them hot (zod's schema constructor, Node's `path` normalization), and optimizing them touched
 *   ~3.5 MiB of the node binary's TurboFan code (file-backed RSS) and its compile zones, for code that
 *   runs at start only. Once released, functions that get hot under load are optimized as before.
 * - **The young generation's growth** (`--semi-space-growth-factor=1`, back to V8's default 2): a start's
 *   long-lived objects make every scavenge look like high survival, and V8 grew each semi-space from 1 to
 *   4 MiB (8 MiB committed at ready, ~1.8 MiB of it used) — memory V8 gives back only 8–20 s later, when
 *   its memory reducer finds the process idle. Held at its first size until ready, it grows under load as before.
 *
 * Flags are changed with `v8.setFlagsFromString` (https://nodejs.org/docs/latest-v20.x/api/v8.html#v8setflagsfromstringflags):
 * V8 reads both where it decides (tiering, a new space's growth), so they take effect at once.
 * They count in V8's flag hash, which a code cache must match: the launcher holds them before the first
 * file is compiled and releases them after the cache is written at ready (src/code-cache.ts), so a
 * start's cache is made and taken under the same flags. A pair is left alone when the process's own node
 * flags (`process.execArgv`, `NODE_OPTIONS`) name it (`--max-opt`, `--jitless`, `--max-semi-space-size`…):
 * an operator's setting wins.
 */
export interface StartHold {
  /** The flags held (empty when the node flags set them already). */
  readonly held: readonly string[];
  /** Sets back what was held; later calls do nothing. */
  release(): void;
}

/** Each held flag, what sets it back, and node flags that mean the operator chose it already. */
const HOLDS = [
  { hold: '--no-turbofan', release: '--turbofan', chosen: /turbofan|(^|\s)--(no-)?opt\b|max-opt|jitless|maglev/ },
  { hold: '--semi-space-growth-factor=1', release: '--semi-space-growth-factor=2', chosen: /semi[-_]space/ },
] as const;

/**
 * Holds {@link HOLDS}' flags until `release()`.
 * @param nodeFlags the process's node flags: `process.execArgv` and the words of `NODE_OPTIONS`
 * @param setFlags how a flag is set (V8's, or a test's record)
 */
export function holdWhileStarting(nodeFlags: readonly string[], setFlags: (flag: string) => void = setFlagsFromString): StartHold {
  const given = nodeFlags.join(' ');
  const pairs = HOLDS.filter((pair) => !pair.chosen.test(given));
  for (const pair of pairs) setFlags(pair.hold);
  let released = false;
  return {
    held: pairs.map((pair) => pair.hold),
    release() {
      if (released) return;
      released = true;
      for (const pair of pairs) setFlags(pair.release);
    },
  };
}

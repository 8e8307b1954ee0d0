/**
 * Loads the SIP line's media half (src/call-media.ts) once, on demand: the signalling half (registration,
 * transactions, the INVITE's first checks) runs without it. A lazy `import()`, so a bundle puts the
 * media half in a file of its own that loads only here.
 */
import type * as CallMediaModule from './call-media.js';

/** What the media half exports (src/call-media.ts). */
export type CallMedia = typeof CallMediaModule;

let loading: Promise<CallMedia> | undefined;
let loaded: CallMedia | undefined;

/**
 * The media half, loading it at the first call (the same promise after). Rejects with the loader's
 * error when it cannot be loaded (a broken install); the next call tries again.
 */
export function loadCallMedia(): Promise<CallMedia> {
  loading ??= import('./call-media.js').then(
    (media) => (loaded = media),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** The media half once loaded, else undefined (then {@link loadCallMedia} loads it). */
export function callMediaLoaded(): CallMedia | undefined {
  return loaded;
}

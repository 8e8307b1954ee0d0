/**
 * The process event `serve` emits once every address is listening (after its `listening on` lines):
 * the moment dist/main.js writes V8's code cache of a start, when it needs to (src/code-cache.ts).
 * A process event, not an import: the loader lives outside the bundle it loads.
 */
export const READY_EVENT = 'callhook:ready';

/** Emits {@link READY_EVENT} on `process` (no listener outside dist/main.js: then nothing happens). */
export function announceReady(): void {
  (process.emit as (event: string) => boolean)(READY_EVENT);
}

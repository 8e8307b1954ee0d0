/**
 * Where the built worklet module is: next to this file in `dist/lib/audio/`. An app bundler (Vite)
 * sees the `new URL(…, import.meta.url)` and ships the file as an asset.
 */
export function defaultWorkletUrl(): string {
  return new URL('./pcm-worklet.js', import.meta.url).href;
}

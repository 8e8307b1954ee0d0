import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The bench's preload: appends every file the process loads (ES modules, CommonJS, JSON, addons) to CALLHOOK_BENCH_MODULES. */
export const COUNT_MODULES = fileURLToPath(new URL('../../bench/support/count-modules.mjs', import.meta.url));

/**
 * The source files behind `files`: each file, and for a bundle (a file with a source map beside it) the
 * files its map names — so a check of what was loaded means the same bundled or not.
 */
export function sourcesOf(files: Iterable<string>): string[] {
  const sources: string[] = [];
  for (const file of files) {
    sources.push(file);
    if (existsSync(`${file}.map`)) sources.push(...(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources);
  }
  return sources;
}

/** The sources behind every file a process loaded so far, from the list {@link COUNT_MODULES} writes (file URLs, one per line). */
export function loadedSources(list: string): string[] {
  const urls = readFileSync(list, 'utf8').split('\n').filter(Boolean);
  return sourcesOf(new Set(urls.map((url) => fileURLToPath(url))));
}

/** The sources that belong to the npm package `pkg`. */
export const fromPackage = (sources: string[], pkg: string): string[] => sources.filter((s) => s.includes(`/node_modules/${pkg}/`));

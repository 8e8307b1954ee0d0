// The module `load` hook of count-modules.mjs (runs on Node's hooks thread): appends each file: URL
// loaded as an ES module to the file named by CALLHOOK_BENCH_MODULES.
import { appendFileSync } from 'node:fs';

const out = process.env.CALLHOOK_BENCH_MODULES;

export async function load(url, context, nextLoad) {
  if (out && url.startsWith('file:')) appendFileSync(out, `${url}\n`);
  return nextLoad(url, context);
}

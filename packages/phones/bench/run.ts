/**
 * `pnpm bench`: the in-process engine bench (`desk-phones.bench.ts`), then the same load through the
 * real `callhook serve` (`desk-phones-serve.bench.ts`; build apps/cli first). BENCH_VARIANT=engine or
 * serve runs only one of them. Exit code 1 when either lost events.
 */
const variant = process.env.BENCH_VARIANT ?? 'both';
if (!['both', 'engine', 'serve'].includes(variant)) throw new Error(`BENCH_VARIANT is engine, serve or both, not "${variant}"`);
let failed = false;
if (variant !== 'serve') {
  await import('./desk-phones.bench.js');
  failed ||= process.exitCode === 1;
}
if (variant !== 'engine') {
  await import('./desk-phones-serve.bench.js');
  failed ||= process.exitCode === 1;
}
process.exitCode = failed ? 1 : 0;

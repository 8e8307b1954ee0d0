// Preloaded with `node --import <this file>` by bench/sip-serve-load.ts (workers run it too, their
// execArgv being the process's): every second each thread writes its V8 heap figures to
// `<CALLHOOK_BENCH_MEMORY>/<threadId>.json` (thread 0 is the main thread), written beside and renamed
// so a reader never sees half a file. Heap figures are per isolate, so the bench can say how much of
// the process's RSS is the main thread's heap and how much the journal worker's; RSS itself is read
// from /proc by the bench. The timer is unref'd: it keeps no thread alive. With `--expose-gc`, SIGUSR2
// makes the main thread collect its heap in full and write what is live then to `<dir>/live.json`
// (`{ heapUsed }`), so the bench can tell a live heap that grows from garbage V8 has not collected yet.
import { renameSync, writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { isMainThread, threadId } from 'node:worker_threads';

const dir = process.env.CALLHOOK_BENCH_MEMORY;
if (dir) {
  const file = `${dir}/${threadId}.json`;
  const write = () => {
    const usage = process.memoryUsage();
    const spaces = Object.fromEntries(
      getHeapSpaceStatistics().map((space) => [space.space_name, { used: space.space_used_size, physical: space.physical_space_size }]),
    );
    const sample = {
      main: isMainThread,
      heapUsed: usage.heapUsed,
      heapTotal: usage.heapTotal,
      external: usage.external,
      arrayBuffers: usage.arrayBuffers,
      spaces,
    };
    try {
      writeFileSync(`${file}.tmp`, JSON.stringify(sample));
      renameSync(`${file}.tmp`, file);
    } catch {
      // The bench removed the directory (it has finished): nothing left to report to.
    }
  };
  write();
  setInterval(write, 1_000).unref();
  const gc = globalThis.gc;
  if (isMainThread && typeof gc === 'function') {
    process.on('SIGUSR2', () => {
      gc();
      try {
        writeFileSync(`${dir}/live.json.tmp`, JSON.stringify({ heapUsed: process.memoryUsage().heapUsed }));
        renameSync(`${dir}/live.json.tmp`, `${dir}/live.json`);
      } catch {
        // As above.
      }
    });
  }
}

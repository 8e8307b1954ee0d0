import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where a process's memory is, MiB, as `memory-probe.mjs` and /proc see it at one moment. */
export interface MemoryBreakdown {
  /** Resident set (`Rss` of /proc/<pid>/smaps_rollup). */
  rss: number;
  /** Resident anonymous memory: V8's heaps, malloc (SQLite's page cache, native buffers), stacks. */
  anon: number;
  /** Resident file-backed memory: node's binary, shared libraries, mapped files. */
  file: number;
  /** The main thread's V8 heap, committed (`heapTotal`) and live or not yet collected (`heapUsed`). */
  mainHeapTotal: number;
  mainHeapUsed: number;
  /** The same for the journal's worker thread (0 while it has not started). */
  workerHeapTotal: number;
  workerHeapUsed: number;
  /** Anonymous memory that is neither V8 heap: malloc's arenas (SQLite, sockets, Buffers), code, stacks. */
  otherAnon: number;
}

const MiB = 1024 * 1024;

/**
 * Reads the breakdown of `pid`, whose threads run `memory-probe.mjs` writing into `probeDir`. A thread
 * that has not written yet counts 0; the probe writes once a second, so heap figures may lag RSS by that.
 */
export function memoryBreakdown(pid: number, probeDir: string): MemoryBreakdown {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? NaN) / 1024;
  const heaps = { mainHeapTotal: 0, mainHeapUsed: 0, workerHeapTotal: 0, workerHeapUsed: 0 };
  if (existsSync(probeDir)) {
    for (const name of readdirSync(probeDir).filter((n) => n.endsWith('.json'))) {
      try {
        const sample = JSON.parse(readFileSync(join(probeDir, name), 'utf8')) as { main: boolean; heapTotal: number; heapUsed: number };
        if (sample.main) Object.assign(heaps, { mainHeapTotal: sample.heapTotal / MiB, mainHeapUsed: sample.heapUsed / MiB });
        else {
          heaps.workerHeapTotal += sample.heapTotal / MiB;
          heaps.workerHeapUsed += sample.heapUsed / MiB;
        }
      } catch {
        // A file of a thread that ended, removed while read: not counted.
      }
    }
  }
  const rss = kib('Rss');
  const anon = kib('Anonymous');
  return { rss, anon, file: rss - anon, ...heaps, otherAnon: anon - heaps.mainHeapTotal - heaps.workerHeapTotal };
}

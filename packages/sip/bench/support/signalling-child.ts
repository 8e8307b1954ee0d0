// One SIP line (UDP, autoAnswer, sip:303@127.0.0.1) in its own process for bench/signalling-cpu.bench.ts,
// built from the module named by argv[2] (this package's src/index.ts, or the dist/index.js of another
// build, so two builds can be measured in the same run). Talks to its parent over IPC:
//   → {type:'ready', port}                      once the line listens
//   ← {type:'mark', profile?: boolean}          starts a measured window (and a V8 CPU profile when asked)
//   → {type:'marked'}
//   ← {type:'read', profileFile?: string}       ends it
//   → {type:'window', cpuMs, systemMs, gcCount, gcMs, ended, answered}: CPU (user + system) and GC (perf_hooks
//     'gc' entries) over the window, `ended`/`answered` line events since the mark (since the start before one);
//     the profile is written first
//   ← {type:'stop'}                             stops the line and exits 0
// SIGCPU_ALLOC_PROFILE=<dir> writes a sampling heap profile of each window there (alloc-<pid>.heapprofile);
// with --expose-gc (SIGCPU_NODE_ARGS) 'stop' first prints the heap in use per ended call after a full GC
// against the one at 'mark', and SIGCPU_HEAP_SNAPSHOT=<dir> writes a heap snapshot (line-<pid>.heapsnapshot).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, resolve } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { pathToFileURL } from 'node:url';
import type * as LineApi from '../../src/index.js';

type LineModule = Pick<typeof LineApi, 'createSipLine' | 'SipLineSchema'>;

interface Command {
  type: 'mark' | 'read' | 'stop';
  profile?: boolean;
  profileFile?: string;
}

const send = (message: object) => process.send?.(message);
const lineModule = (await import(pathToFileURL(resolve(process.argv[2]!)).href)) as LineModule;
const line = lineModule.createSipLine(lineModule.SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', transport: 'udp', autoAnswer: true }));
let ended = 0;
let answered = 0;
/** The counts at the last mark: a window counts only its own calls (a warm-up's come before it). */
let endedAtMark = 0;
let answeredAtMark = 0;
line.onEvent((event) => {
  if (event.type === 'ended') ended++;
  else if (event.type === 'answered') answered++;
});

let gcCount = 0;
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcCount++;
    gcMs += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

let heapAtMark: number | undefined;
/** Heap in use after a full collection, when node runs with --expose-gc (SIGCPU_NODE_ARGS); else undefined. */
function heapAfterFullGc(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  return process.memoryUsage().heapUsed;
}

let window: { cpu: NodeJS.CpuUsage; gcCount: number; gcMs: number } | undefined;
let profiler: Session | undefined;
/** SIGCPU_ALLOC_PROFILE=<dir>: a sampling heap profile (every allocation, collected or not) of each window. */
const ALLOC_PROFILE = process.env.SIGCPU_ALLOC_PROFILE;
let allocProfiler: Session | undefined;

process.on('message', (command: Command) => {
  void handle(command).catch((error: Error) => send({ type: 'error', message: error.message }));
});

async function handle(command: Command): Promise<void> {
  if (command.type === 'mark') {
    if (command.profile) {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
      await profiler.post('Profiler.start');
    }
    if (ALLOC_PROFILE) {
      allocProfiler = new Session();
      allocProfiler.connect();
      await allocProfiler.post('HeapProfiler.startSampling', {
        samplingInterval: 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    }
    heapAtMark = heapAfterFullGc();
    window = { cpu: process.cpuUsage(), gcCount, gcMs };
    endedAtMark = ended;
    answeredAtMark = answered;
    send({ type: 'marked' });
  } else if (command.type === 'read') {
    const cpu = process.cpuUsage(window?.cpu);
    const result = {
      type: 'window',
      cpuMs: (cpu.user + cpu.system) / 1000,
      systemMs: cpu.system / 1000,
      gcCount: gcCount - (window?.gcCount ?? 0),
      gcMs: gcMs - (window?.gcMs ?? 0),
      ended: ended - endedAtMark,
      answered: answered - answeredAtMark,
    };
    if (profiler && command.profileFile) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(command.profileFile, JSON.stringify(profile));
      profiler.disconnect();
      profiler = undefined;
    }
    if (allocProfiler && ALLOC_PROFILE) {
      const { profile } = await allocProfiler.post('HeapProfiler.stopSampling');
      writeFileSync(join(ALLOC_PROFILE, `alloc-${process.pid}.heapprofile`), JSON.stringify(profile));
      allocProfiler.disconnect();
      allocProfiler = undefined;
    }
    send(result);
  } else {
    const heap = heapAfterFullGc();
    if (heap !== undefined && heapAtMark !== undefined)
      console.error(`heap after a full GC: ${((heap - heapAtMark) / 1024 / Math.max(1, ended)).toFixed(2)} KiB more per ended call (${ended} ended)`);
    if (process.env.SIGCPU_HEAP_SNAPSHOT) writeHeapSnapshot(join(process.env.SIGCPU_HEAP_SNAPSHOT, `line-${process.pid}.heapsnapshot`));
    await line.stop();
    process.exit(0);
  }
}

await line.start();
send({ type: 'ready', port: line.localAddress!.port });

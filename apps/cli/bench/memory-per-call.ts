/**
 * Memory per call of the whole pipeline, in one process so the heap can be collected before each
 * reading: the CLI's edition with the SIP line (autoAnswer), the SQLite journal and three Action URLs
 * per call to a loopback receiver, called by sipp's uac at a fixed rate. After a warm-up, N more calls:
 *
 * - `heldBytesPerCall`: live heap per call a few seconds after the calls ended, while sip.js still holds
 *   every accepted INVITE transaction (64×T1 = 32 s, RFC 6026); at 100 calls/s that many seconds of
 *   calls are held at once, so this is what sets the heap (and RSS) under steady load;
 * - `leftBytesPerCall`: live heap per call once those timers ran out: what a call leaves for good;
 * - the journal worker's own heap and SQLite's page-cache limit (`SqliteJournal.workerMemory()`): the
 *   worker is a second isolate, outside the main thread's `heapUsed`.
 *
 * No assertions; numbers land in artifacts/bench-memory.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SettingsFile, SqliteJournal, editionLimits, startServer } from '@callhook/server';
import { cliEdition } from '../src/edition.js';
import { freeSipPort } from '../test/support/sipp.js';
import { countingReceiver } from './support/counting-receiver.js';
import { COUNTED_ACTIONS, writeSipServeConfig } from './support/serve.js';
import { sippUacLoad } from './support/sipp-uac.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const RATE = Number(process.env.BENCH_MEM_RATE ?? 100);
const WARMUP = Number(process.env.BENCH_MEM_WARMUP ?? 1_000);
const CALLS = Number(process.env.BENCH_MEM_CALLS ?? 3_000);
/** 64×T1 and a margin: sip.js's Timer L and Timer J have run out for every call by then. */
const TRANSACTIONS_GONE_MS = 36_000;
const ACTIONS = COUNTED_ACTIONS;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const KiB = (bytes: number) => Math.round(bytes / 102.4) / 10;

async function liveHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await sleep(50);
    gc();
  }
  return process.memoryUsage().heapUsed;
}

const receiver = await countingReceiver();
const { counts, url: receiverUrl } = receiver;

const sipPort = await freeSipPort();
const { dir, config } = writeSipServeConfig('callhook-bench-mem-', receiverUrl, sipPort);
const edition = await cliEdition();
const settings = new SettingsFile(config).load(editionLimits(edition));
const dataDir = join(dir, 'data');
mkdirSync(dataDir, { recursive: true });
const running = await startServer({ settings, edition, dataDir, port: 0 });

let offered = 0;
async function calls(n: number): Promise<{ failed: number }> {
  const sipp = await sippUacLoad({ target: `127.0.0.1:${sipPort}`, calls: n, rate: RATE, user: '303' });
  offered += n;
  const until = Date.now() + 30_000;
  while (ACTIONS.some((a) => (counts.get(a) ?? 0) < offered) && Date.now() < until) await sleep(100);
  return { failed: sipp.failed };
}

const warm = await calls(WARMUP);
await sleep(TRANSACTIONS_GONE_MS);
const base = await liveHeap();
const measured = await calls(CALLS);
await sleep(2_000);
const held = await liveHeap();
await sleep(TRANSACTIONS_GONE_MS);
const left = await liveHeap();
const rssMiB = Math.round(process.memoryUsage().rss / 104857.6) / 10;
const worker = running.journal instanceof SqliteJournal ? await running.journal.workerMemory() : null;
await running.stop(5_000);
await receiver.close();

const row = {
  rate: RATE,
  warmup: WARMUP,
  calls: CALLS,
  failed: warm.failed + measured.failed,
  actionUrls: `${ACTIONS.reduce((sum, a) => sum + (counts.get(a) ?? 0), 0)} / ${offered * ACTIONS.length}`,
  baseHeapMiB: Math.round(base / 104857.6) / 10,
  heldKiBPerCall: KiB((held - base) / CALLS),
  leftKiBPerCall: KiB((left - base) / CALLS),
  rssMiBAtEnd: rssMiB,
  workerHeapMiB: worker ? Math.round(worker.heapUsedBytes / 104857.6) / 10 : null,
  pageCacheLimitKiB: worker?.pageCacheLimitKiB ?? null,
};
console.log(`\nmemory per call after ${WARMUP} warm-up calls: ${CALLS} more at ${RATE}/s (SIP line, SQLite journal, three Action URLs)`);
console.table([row]);
mkdirSync('artifacts', { recursive: true });
writeFileSync('artifacts/bench-memory.json', `${JSON.stringify({ at: new Date().toISOString(), node: process.version, rows: [row] }, null, 2)}\n`);
process.exit(0);

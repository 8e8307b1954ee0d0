/**
 * The SQLite journal's CPU per call (issue 17), main thread and worker together: what `callhook serve`
 * pays the journal for each call with three Action URLs. Each call writes what the engine and the
 * dispatcher write for it: three deliveries, each entered in the outbox, waited on until durable
 * (`outboxDurable`), logged and completed, one event-loop turn apart, and the call's final snapshot.
 * Calls are paced at BENCH_JOURNAL_CPU_RATE per second (default 100), so batching is what a live
 * server sees, not a storm's. CPU is `process.cpuUsage()` (user + system of every thread, the worker's
 * included) over the calls, so a loaded machine changes wall time, not the figure.
 *
 * BENCH_JOURNAL_CPU_BASELINE=[<label>=]<another build's packages/server/dist/index.js>[,…]: those builds'
 * SqliteJournal run in turns with this one (each round starting with the next contender, so none is
 * always first after a pause), and the table gives each one's CPU as a ratio to the first.
 * BENCH_JOURNAL_CPU_CALLS (default 1000 per run), BENCH_ROUNDS (default 3, after a warm-up turn).
 */
import type { CallSnapshot, DeliveryRecord, Journal, PendingDelivery } from '@callhook/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SqliteJournal } from '../src/index.js';
import { round } from './stats.js';

const CALLS = Number(process.env.BENCH_JOURNAL_CPU_CALLS ?? 1_000);
const RATE = Number(process.env.BENCH_JOURNAL_CPU_RATE ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BASELINES = (process.env.BENCH_JOURNAL_CPU_BASELINE ?? '')
  .split(',')
  .filter(Boolean)
  .map((entry) => (entry.includes('=') ? { label: entry.split('=')[0]!, path: entry.split('=').slice(1).join('=') } : { label: 'baseline', path: entry }));
const ACTIONS = ['inbound', 'connected', 'disconnected'] as const;

type Closable = Journal & { opened(): Promise<void>; close(): Promise<void>; recentCalls(limit: number): Promise<unknown[]> };
type JournalClass = new (file: string) => Closable;

const turn = () => new Promise<void>((r) => setImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function snapshot(i: number, at: number): CallSnapshot {
  const iso = new Date(at).toISOString();
  return {
    guid: `0193a5c0-0000-7000-8000-${String(i).padStart(12, '0')}`,
    lineId: 'default',
    direction: 'inbound',
    localParty: '303',
    localAlias: '',
    remoteParty: `sipp-${i}`,
    remoteAlias: 'sipp',
    state: 'ended',
    holdState: 'off_hold',
    disposition: 'answered',
    createdAt: iso,
    connectedAt: iso,
    disconnectedAt: new Date(at + 200).toISOString(),
    quality: { packetsLost: 0, jitterMs: 0.4, rttMs: null, mos: 4.4, codec: 'PCMU', encryption: 'none' },
    recording: false,
  };
}

/** One delivery of a call, as the engine makes it, through the journal as the dispatcher drives it. */
async function delivery(journal: Closable, call: CallSnapshot, slot: number, at: number): Promise<void> {
  const action = ACTIONS[slot]!;
  const pending: PendingDelivery = {
    id: `${call.guid}:${action}:${slot}:${slot + 1}`,
    callGuid: call.guid,
    action,
    slot,
    sequence: slot + 1,
    url: `http://127.0.0.1:40000/${action}?guid=${call.guid}&from=${call.remoteParty}`,
    mode: 'http',
    method: 'GET',
    headers: {},
    body: null,
    signingSecret: null,
    timeoutMs: 5_000,
    retries: { max: 2, backoffMs: 1_000 },
    createdAt: at,
  };
  journal.enqueueDelivery(pending);
  await journal.outboxDurable?.(pending.id);
  await turn(); // the request goes out and is answered
  const record: DeliveryRecord = {
    deliveryId: pending.id,
    callGuid: call.guid,
    action,
    slot,
    url: pending.url,
    mode: 'http',
    attempt: 1,
    outcome: 'delivered',
    status: 200,
    latencyMs: 1.2,
    error: null,
    at: at + 2,
    final: true,
  };
  journal.recordDelivery(record);
  journal.completeDelivery(pending.id);
}

/** CPU ms per call of one journal over CALLS paced calls. */
async function run(Journal: JournalClass, dir: string, label: string): Promise<number> {
  const journal = new Journal(join(dir, `${label}-${Date.now()}.db`));
  await journal.opened();
  const pending: Promise<void>[] = [];
  const before = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const at = Date.now();
    const call = snapshot(i, at);
    pending.push(
      (async () => {
        for (let slot = 0; slot < ACTIONS.length; slot++) {
          await delivery(journal, call, slot, at);
          await sleep(1); // the call's next event comes later
        }
        journal.recordCall(call);
      })(),
    );
  }
  await Promise.all(pending);
  await journal.recentCalls(1); // every write committed
  const used = process.cpuUsage(before);
  await journal.close();
  return (used.user + used.system) / 1000 / CALLS;
}

export async function benchJournalCpu() {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-bench-journal-cpu-'));
  const contenders: [string, JournalClass][] = [['this build', SqliteJournal as JournalClass]];
  for (const baseline of [...BASELINES].reverse()) {
    const module = (await import(pathToFileURL(resolve(baseline.path)).href)) as { SqliteJournal: JournalClass };
    contenders.unshift([baseline.label, module.SqliteJournal]);
  }
  const runs: number[][] = contenders.map(() => []);
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      for (let turn = 0; turn < contenders.length; turn++) {
        const i = (round + turn) % contenders.length;
        const [label, Journal] = contenders[i]!;
        const ms = await run(Journal, dir, label.replace(' ', '-'));
        if (round > 0) runs[i]!.push(ms);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const medians = runs.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!);
  const base = medians[0]!;
  return {
    name: `journal CPU per call: ${CALLS} calls at ${RATE}/s, 3 deliveries + 1 snapshot each (median of ${ROUNDS}, in turns after a warm-up turn)`,
    rows: contenders.map(([label], i) => ({
      journal: label,
      cpuMsPerCall: round(medians[i]!, 3),
      runs: runs[i]!.map((ms) => round(ms, 3)).join(' '),
      ratioToFirst: round(medians[i]! / base),
    })),
    target: 'lower than the baseline build, same run',
  };
}

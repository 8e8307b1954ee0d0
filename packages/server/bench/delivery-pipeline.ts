/**
 * Delivery pipeline: 1,000 simulated calls × 5 slots (engine → template → dispatcher → undici →
 * SQLite journal) against a loopback receiver, compared with the same number of raw undici requests
 * at the same concurrency, in the same run. Counts come from the receiver.
 */
import { Engine, loadSettings, SimulatedLine, type DeliveryRecord } from '@callhook/core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { cryptoRandom, headlessBrowser, SqliteJournal, systemClock, UndiciFetcher } from '../src/index.js';
import { countingReceiver, waitForCount } from './receiver.js';
import { percentile, round } from './stats.js';

const CALLS = 1_000;
const SLOTS = 5;
const CONCURRENCY = 256; // the Dispatcher's default
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64); // the fetcher's default pool per origin
const TIME_LIMIT_MS = 60_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

async function rawUndici(url: string, total: number) {
  const agent = new Agent({ connections: CONNECTIONS, keepAliveTimeout: 10_000 });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      const res = await request(`${url}/raw?i=${i}`, { dispatcher: agent, headers: { 'idempotency-key': `raw-${i}` } });
      await res.body.dump();
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const ms = performance.now() - started;
  await agent.close();
  return { ms, latencies };
}

async function pipeline(url: string, journalFile: string, calls = CALLS) {
  const line = new SimulatedLine({ clock: systemClock, answerAfterMs: null });
  const journal = new SqliteJournal(journalFile);
  const fetcher = new UndiciFetcher({ connectionsPerOrigin: CONNECTIONS });
  const settings = loadSettings({
    actionUrls: {
      enabled: true,
      slots: Array.from({ length: SLOTS }, (_, i) => ({ on: 'inbound', url: `${url}/slot${i}?guid=<$call_guid>&from=<$remote_party>&alias=<$remote_alias>&t=<$call_created_time>` })),
    },
  });
  const engine = new Engine({ line, clock: systemClock, random: cryptoRandom, fetcher, browser: headlessBrowser, settings, journal, historyLimit: CALLS, maxQueuedDeliveries: CALLS * SLOTS });
  const records: DeliveryRecord[] = [];
  engine.on((event) => event.type === 'delivery' && records.push(event.record));
  await engine.start();
  const started = performance.now();
  for (let i = 0; i < calls; i++) line.incoming(String(4200 + i), `Caller ${i}`);
  const drained = await engine.dispatcher.drain(TIME_LIMIT_MS);
  const ms = performance.now() - started;
  await engine.stop(1_000);
  await fetcher.close();
  journal.close();
  return { ms, drained, latencies: records.map((r) => r.latencyMs), delivered: records.filter((r) => r.outcome === 'delivered').length };
}

type Run = { ms: number; count: number; latencies: number[] };
type Contender = () => Promise<{ ms: number; latencies: number[] }>;

/**
 * Runs the contenders in turns (a, b, c, a, b, c, …) after one discarded warm-up turn, so JIT
 * warm-up and heap growth fall on all of them alike; returns each one's median run by time.
 * Every run is counted at the receiver.
 */
async function medianOfInterleaved(receiver: Awaited<ReturnType<typeof countingReceiver>>, expected: number, contenders: Contender[]): Promise<Run[]> {
  const runs: Run[][] = contenders.map(() => []);
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [i, once] of contenders.entries()) {
      receiver.state.count = 0;
      const result = await once();
      await waitForCount(receiver.state, expected, 5_000);
      if (round > 0) runs[i]!.push({ ...result, count: receiver.state.count });
    }
  }
  return runs.map((list) => list.sort((a, b) => a.ms - b.ms)[Math.floor(list.length / 2)]!);
}

export async function benchDeliveryPipeline() {
  const receiver = await countingReceiver();
  const total = CALLS * SLOTS;
  const dir = mkdtempSync(join(tmpdir(), 'callhook-bench-'));
  let n = 0;
  const [raw, memory, disk] = (await medianOfInterleaved(receiver, total, [
    () => rawUndici(receiver.url, total),
    () => pipeline(receiver.url, ':memory:'),
    () => pipeline(receiver.url, join(dir, `callhook-${n++}.db`)),
  ])) as [Run, Run, Run];
  await receiver.close();

  const row = (name: string, run: Run) => ({
    name,
    received: run.count,
    ms: round(run.ms, 0),
    perSecond: round((run.count / run.ms) * 1000, 0),
    p50Ms: round(percentile(run.latencies, 50)),
    p99Ms: round(percentile(run.latencies, 99)),
  });
  const rows = [row('raw undici (baseline)', raw), row('pipeline, journal :memory:', memory), row('pipeline, journal on disk (WAL)', disk)];
  const base = rows[0]!.perSecond;
  return {
    name: `delivery pipeline: ${CALLS} calls × ${SLOTS} slots (concurrency ${CONCURRENCY}, median of ${ROUNDS}, taken in turns after a warm-up turn)`,
    rows: rows.map((r) => ({ ...r, ratioToRaw: round(r.perSecond / base) })),
    target: 'pipeline ≥ 0.8 × raw undici',
  };
}

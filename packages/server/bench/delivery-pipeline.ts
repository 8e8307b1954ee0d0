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
const TIME_LIMIT_MS = 60_000;

async function rawUndici(url: string, total: number) {
  const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 });
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

async function pipeline(url: string, journalFile: string) {
  const line = new SimulatedLine({ clock: systemClock, answerAfterMs: null });
  const fetcher = new UndiciFetcher();
  const journal = new SqliteJournal(journalFile);
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
  for (let i = 0; i < CALLS; i++) line.incoming(String(4200 + i), `Caller ${i}`);
  const drained = await engine.dispatcher.drain(TIME_LIMIT_MS);
  const ms = performance.now() - started;
  await engine.stop(1_000);
  await fetcher.close();
  journal.close();
  return { ms, drained, latencies: records.map((r) => r.latencyMs), delivered: records.filter((r) => r.outcome === 'delivered').length };
}

export async function benchDeliveryPipeline() {
  const receiver = await countingReceiver();
  const total = CALLS * SLOTS;
  // Warm-up so both sides start with connections and JIT in the same state.
  await rawUndici(receiver.url, 500);
  receiver.state.count = 0;

  const raw = await rawUndici(receiver.url, total);
  const rawCount = receiver.state.count;
  receiver.state.count = 0;
  const memory = await pipeline(receiver.url, ':memory:');
  await waitForCount(receiver.state, total, 5_000);
  const memoryCount = receiver.state.count;
  receiver.state.count = 0;
  const disk = await pipeline(receiver.url, join(mkdtempSync(join(tmpdir(), 'callhook-bench-')), 'callhook.db'));
  await waitForCount(receiver.state, total, 5_000);
  const diskCount = receiver.state.count;
  await receiver.close();

  const row = (name: string, ms: number, count: number, latencies: number[]) => ({
    name,
    received: count,
    ms: round(ms, 0),
    perSecond: round((count / ms) * 1000, 0),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  });
  const rows = [
    row('raw undici (baseline)', raw.ms, rawCount, raw.latencies),
    row('pipeline, journal :memory:', memory.ms, memoryCount, memory.latencies),
    row('pipeline, journal on disk (WAL)', disk.ms, diskCount, disk.latencies),
  ];
  const base = rows[0]!.perSecond;
  return {
    name: `delivery pipeline: ${CALLS} calls × ${SLOTS} slots (concurrency ${CONCURRENCY})`,
    rows: rows.map((r) => ({ ...r, ratioToRaw: round(r.perSecond / base) })),
    target: 'pipeline ≥ 0.8 × raw undici',
  };
}

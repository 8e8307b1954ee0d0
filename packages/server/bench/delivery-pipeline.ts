/**
 * Delivery pipeline: 1,000 simulated calls × 5 slots (engine → template → dispatcher → undici →
 * SQLite journal) against a loopback receiver, compared with the same number of raw undici requests
 * at the same concurrency, in the same run. Counts come from the receiver.
 */
import { Engine, loadSettings, SimulatedLine, standardSinks } from '@callhook/core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { cryptoRandom, headlessBrowser, SqliteJournal, systemClock, UndiciFetcher, USER_AGENT } from '../src/index.js';
import { countingReceiver, waitForCount } from './receiver.js';
import { percentile, round } from './stats.js';

const CALLS = 1_000;
const SLOTS = 5;
const CONCURRENCY = 256; // the Dispatcher's default
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64); // the fetcher's default pool per origin
const TIME_LIMIT_MS = 60_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/**
 * The baseline sends what the pipeline sends: the same URL shape and length as the slots below
 * expand to, and the same two headers, so the receiver's work is the same on both sides.
 */
function rawRequests(url: string, total: number) {
  return Array.from({ length: total }, (_, i) => {
    const call = Math.floor(i / SLOTS);
    const slot = i % SLOTS;
    const guid = `01a218a8-c1d4-778d-8e3b-${String(call).padStart(12, '0')}`;
    return {
      url: `${url}/slot${slot}?guid=${guid}&from=${4200 + call}&alias=%22Caller%20${call}%22%20(${4200 + call})&t=2026-11-26T16-20-42`,
      headers: { 'user-agent': USER_AGENT, 'idempotency-key': `${guid}:inbound:${slot}:1` },
    };
  });
}

async function rawUndici(url: string, total: number) {
  const agent = new Agent({ connections: CONNECTIONS, keepAliveTimeout: 10_000 });
  const requests = rawRequests(url, total);
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const { url: target, headers } = requests[next++]!;
      const t0 = performance.now();
      const res = await request(target, { dispatcher: agent, headers });
      await res.body.dump();
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const ms = performance.now() - started;
  await agent.close();
  return { ms, latencies };
}

async function pipeline(receiver: Receiver, journalFile: string, calls = CALLS) {
  const { url } = receiver;
  const line = new SimulatedLine({ clock: systemClock, answerAfterMs: null });
  const journal = new SqliteJournal(journalFile);
  const fetcher = new UndiciFetcher({ connectionsPerOrigin: CONNECTIONS });
  const settings = loadSettings({
    actionUrls: {
      enabled: true,
      slots: Array.from({ length: SLOTS }, (_, i) => ({
        on: 'inbound',
        url: `${url}/slot${i}?guid=<$call_guid>&from=<$remote_party>&alias=<$remote_alias>&t=<$call_created_time>`,
      })),
    },
  });
  const engine = new Engine({
    lines: [{ id: 'default', line }],
    clock: systemClock,
    random: cryptoRandom,
    sinks: standardSinks({ fetcher, browser: headlessBrowser }),
    settings,
    journal,
    historyLimit: CALLS,
    maxQueuedDeliveries: CALLS * SLOTS,
  });
  // Only numbers are kept, as on the raw side, so the bench's own bookkeeping does not add to the heap.
  const latencies: number[] = [];
  engine.on((event) => event.type === 'delivery' && latencies.push(event.record.latencyMs));
  await engine.start();
  const eventAt = new Float64Array(calls);
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    eventAt[i] = performance.now();
    line.incoming(String(4200 + i), `Caller ${i}`);
  }
  const drained = await engine.dispatcher.drain(TIME_LIMIT_MS);
  const ms = performance.now() - started;
  await engine.stop(1_000);
  await fetcher.close();
  await journal.close();
  const { arrivals } = receiver.state;
  receiver.state.arrivals = [];
  const eventToRequest: number[] = [];
  for (let i = 0; i < arrivals.length; i += 2) {
    const call = Number(/[?&]from=(\d+)/.exec(arrivals[i] as string)?.[1]) - 4200;
    eventToRequest.push((arrivals[i + 1] as number) - eventAt[call]!);
  }
  return { ms, drained, latencies, eventToRequest };
}

type Run = { ms: number; count: number; latencies: number[]; eventToRequest?: number[] };
type Contender = () => Promise<{ ms: number; latencies: number[]; eventToRequest?: number[] }>;
type Receiver = Awaited<ReturnType<typeof countingReceiver>>;

/**
 * Runs the contenders in turns (a, b, c, a, b, c, …) after one discarded warm-up turn, so JIT
 * warm-up and heap growth fall on all of them alike; returns each one's median run by time.
 * Every run is counted at the receiver.
 */
async function medianOfInterleaved(receiver: Receiver, expected: number, contenders: Contender[]): Promise<Run[]> {
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
    () => pipeline(receiver, ':memory:'),
    () => pipeline(receiver, join(dir, `callhook-${n++}.db`)),
  ])) as [Run, Run, Run];
  // Event-to-request latency comes from one more run of each pipeline with arrival times recorded.
  receiver.state.recordArrivals = true;
  memory.eventToRequest = (await pipeline(receiver, ':memory:')).eventToRequest;
  disk.eventToRequest = (await pipeline(receiver, join(dir, `callhook-${n++}.db`))).eventToRequest;
  await receiver.close();

  const row = (name: string, run: Run) => ({
    name,
    received: run.count,
    ms: round(run.ms, 0),
    perSecond: round((run.count / run.ms) * 1000, 0),
    requestP50Ms: round(percentile(run.latencies, 50)),
    requestP99Ms: round(percentile(run.latencies, 99)),
    eventToRequestP50Ms: run.eventToRequest?.length ? round(percentile(run.eventToRequest, 50)) : '',
    eventToRequestP99Ms: run.eventToRequest?.length ? round(percentile(run.eventToRequest, 99)) : '',
  });
  const rows = [row('raw undici (baseline)', raw), row('pipeline, journal :memory:', memory), row('pipeline, journal on disk (WAL)', disk)];
  const base = rows[0]!.perSecond;
  return {
    name: `delivery pipeline: ${CALLS} calls × ${SLOTS} slots (concurrency ${CONCURRENCY}, median of ${ROUNDS}, taken in turns after a warm-up turn)`,
    rows: rows.map((r) => ({ ...r, ratioToRaw: round(r.perSecond / base) })),
    target: 'pipeline ≥ 0.8 × raw undici',
  };
}

/**
 * Outbox throughput and event-to-request latency by journal, in the same run: SQLite (the default,
 * one instance) beside PostgreSQL with one instance and with two sharing the database (two engines
 * in this process, each with its own journal and connections, the calls split between them). Each
 * run: calls ringing at once × slots, every delivery through the outbox to a loopback receiver.
 * PostgreSQL is a throw-away cluster started here (test-support's), with its default durability
 * (every commit flushed), and once more with `synchronous_commit=off` on the journal's connections,
 * which keeps what SQLite's WAL + synchronous=NORMAL keeps: every commit across a crash of callhook.
 */
import { Engine, loadSettings, SimulatedLine, standardSinks, type Journal } from '@callhook/core';
import { startPostgres } from '@callhook/test-support';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cryptoRandom, headlessBrowser, PostgresJournal, SqliteJournal, systemClock, UndiciFetcher } from '../src/index.js';
import { countingReceiver, waitForCount } from './receiver.js';
import { percentile, round } from './stats.js';

const CALLS = Number(process.env.BENCH_JOURNAL_CALLS ?? 1_000);
const SLOTS = 5;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TIME_LIMIT_MS = 120_000;

type Receiver = Awaited<ReturnType<typeof countingReceiver>>;
type Closable = Journal & { opened(): Promise<void>; close(): Promise<void> };
interface Run {
  ms: number;
  drained: boolean;
  eventToRequest: number[];
}

/** One instance's engine over `journal`, its simulator line ringing `calls` numbered from `first`. */
async function instance(receiver: Receiver, journal: Closable) {
  const line = new SimulatedLine({ clock: systemClock, answerAfterMs: null });
  const fetcher = new UndiciFetcher({ connectionsPerOrigin: 64 });
  const settings = loadSettings({
    actionUrls: {
      enabled: true,
      slots: Array.from({ length: SLOTS }, (_, i) => ({ on: 'inbound', url: `${receiver.url}/slot${i}?from=<$remote_party>` })),
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
  await journal.opened();
  await engine.start();
  return {
    line,
    engine,
    async stop() {
      await engine.stop(1_000);
      await fetcher.close();
      await journal.close();
    },
  };
}

/** Rings every call at once across the instances (round-robin) and waits until all deliveries went out. */
async function storm(receiver: Receiver, journals: Closable[]): Promise<Run> {
  const instances = await Promise.all(journals.map((journal) => instance(receiver, journal)));
  receiver.state.arrivals = [];
  const eventAt = new Float64Array(CALLS);
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) {
    eventAt[i] = performance.now();
    instances[i % instances.length]!.line.incoming(String(4200 + i), `Caller ${i}`);
  }
  const drained = (await Promise.all(instances.map((one) => one.engine.dispatcher.drain(TIME_LIMIT_MS)))).every(Boolean);
  const ms = performance.now() - started;
  await Promise.all(instances.map((one) => one.stop()));
  const eventToRequest: number[] = [];
  const { arrivals } = receiver.state;
  for (let i = 0; i < arrivals.length; i += 2) {
    const call = Number(/[?&]from=(\d+)/.exec(arrivals[i] as string)?.[1]) - 4200;
    eventToRequest.push((arrivals[i + 1] as number) - eventAt[call]!);
  }
  return { ms, drained, eventToRequest };
}

export async function benchJournalOutbox() {
  const receiver = await countingReceiver();
  receiver.state.recordArrivals = true;
  const cluster = await startPostgres({ durable: true });
  const dir = mkdtempSync(join(tmpdir(), 'callhook-bench-journal-'));
  const keyFile = join(dir, 'outbox.key');
  writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });
  let databases = 0;
  const total = CALLS * SLOTS;
  try {
    const postgres = async (count: number, options = '') => {
      const url = `${await cluster.createDatabase(`bench_${++databases}`)}${options}`;
      return Array.from({ length: count }, (_, i) => new PostgresJournal({ url, keyFile, instance: `bench-${i + 1}` }));
    };
    const contenders: [string, () => Promise<Closable[]>][] = [
      ['SQLite (WAL, synchronous=NORMAL), 1 instance', async () => [new SqliteJournal(join(dir, `sqlite-${++databases}.db`))]],
      ['PostgreSQL (default: every commit flushed), 1 instance', () => postgres(1)],
      ['PostgreSQL (default), 2 instances', () => postgres(2)],
      ['PostgreSQL (synchronous_commit=off), 1 instance', () => postgres(1, '?options=-c%20synchronous_commit%3Doff')],
      ['PostgreSQL (synchronous_commit=off), 2 instances', () => postgres(2, '?options=-c%20synchronous_commit%3Doff')],
    ];
    const runs: Run[][] = contenders.map(() => []);
    // Taken in turns after one discarded warm-up turn, so warm-up and heap growth fall on all alike.
    for (let turn = 0; turn <= ROUNDS; turn++) {
      for (const [i, [, journals]] of contenders.entries()) {
        receiver.state.count = 0;
        const run = await storm(receiver, await journals());
        await waitForCount(receiver.state, total, 10_000);
        if (turn > 0) runs[i]!.push(run);
      }
    }
    const rows = contenders.map(([name], i) => {
      const sorted = runs[i]!.sort((a, b) => a.ms - b.ms);
      const median = sorted[Math.floor(sorted.length / 2)]!;
      return {
        name,
        drained: median.drained,
        ms: round(median.ms, 0),
        deliveriesPerSecond: round((total / median.ms) * 1000, 0),
        eventToRequestP50Ms: round(percentile(median.eventToRequest, 50)),
        eventToRequestP99Ms: round(percentile(median.eventToRequest, 99)),
      };
    });
    const sqlite = rows[0]!.deliveriesPerSecond;
    return {
      name: `journal outbox: ${CALLS} calls × ${SLOTS} slots through the outbox (median of ${ROUNDS}, taken in turns after a warm-up turn)`,
      rows: rows.map((row) => ({ ...row, ratioToSqlite: round(row.deliveriesPerSecond / sqlite) })),
      target: 'PostgreSQL, 1 instance ≥ 0.5 × SQLite; rising with a second instance',
    };
  } finally {
    await receiver.close();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Shared by both desk-phone benches: percentiles, the timestamping receiver, and the phone process's IPC. */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { now } from './drive.js';

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** What both desk-phone benches measure per scenario: events, lost, latency percentiles (ms), CPU per event (µs). */
export interface LatencyRow {
  name: string;
  events: number;
  lost: number;
  p50: number;
  p99: number;
  cpuUsPerEvent: number;
}

/** The leading columns of both benches' tables, `cpuRatio` against `baseline` (the simulated line's row). */
export function latencyColumns(row: LatencyRow, baseline: LatencyRow) {
  return {
    name: row.name,
    events: row.events,
    lost: row.lost,
    p50Ms: row.p50,
    p99Ms: row.p99,
    cpuUsPerEvent: row.cpuUsPerEvent,
    cpuRatio: round(row.cpuUsPerEvent / baseline.cpuUsPerEvent),
  };
}

/** A loopback receiver noting when each Action URL arrived, by `<slot>:<number>` (`/<slot>?n=<number>…`). */
export async function receiver() {
  const arrivals = new Map<string, number>();
  const server = createServer((req, res) => {
    const at = now();
    const match = /^\/(\w+)\?n=([^&]+)/.exec(req.url ?? '');
    if (match) arrivals.set(`${match[1]}:${decodeURIComponent(match[2]!)}`, at);
    req.resume();
    res.end('ok');
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** Sends `message` to the phone process and waits for its answer of type `answer`. */
export function ask<T>(child: ChildProcess, message: unknown, answer: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: { type: string }) => {
      if (reply.type !== answer) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(reply as T);
    };
    const onExit = (code: number | null) => reject(new Error(`the phone process exited (${code}) before "${answer}"`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(message as object);
  });
}

/** Latencies (arrival − send, ms) and lost events of `sentAt` against `arrivals`. */
export function match(sentAt: Map<string, number>, arrivals: Map<string, number>): { latencies: number[]; lost: number } {
  const latencies: number[] = [];
  let lost = 0;
  for (const [key, at] of sentAt) {
    const arrived = arrivals.get(key);
    if (arrived === undefined) lost++;
    else latencies.push(arrived - at);
  }
  return { latencies, lost };
}

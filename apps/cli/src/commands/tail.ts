import { lossPercent, type CallQuality, type EngineEvent } from '@callhook/core';
import { callApi, type ApiTarget } from '../api-client.js';
import { CliError } from '../cli-error.js';
import type { Output } from '../output.js';
import { describeCall } from './client-commands.js';

function describe(event: EngineEvent, out: Output): string {
  switch (event.type) {
    case 'call':
      return `${out.paint('bold', 'call')} ${event.action.padEnd(12)} ${describeCall(event.call, out)}`;
    case 'delivery': {
      const r = event.record;
      const ok = r.outcome === 'delivered' || r.outcome === 'opened';
      const status = r.status === null ? '' : ` ${r.status}`;
      return `${out.paint('bold', 'delivery')} ${r.action.padEnd(8)} slot ${r.slot + 1} #${r.attempt} ${out.paint(ok ? 'green' : 'red', r.outcome)}${status} ${r.latencyMs} ms ${out.paint('dim', r.url)}${r.error ? ` (${r.error})` : ''}`;
    }
    case 'line':
      return `${out.paint('bold', 'line')} ${event.status.state}: ${event.status.detail}`;
    case 'quality':
      return `${out.paint('bold', 'quality')} ${describeQuality(event.call.quality)} ${describeCall(event.call, out)}`;
  }
}

/** A live call's figures in one line: `MOS 4.38 loss 0.4 % jitter 3.1 ms RTT 14 ms` (a dash for a figure not known yet). */
export function describeQuality(quality: CallQuality | null): string {
  if (!quality) return 'no figures';
  const loss = lossPercent(quality);
  const figure = (value: number | null, unit: string, digits: number) => (value === null ? '–' : `${value.toFixed(digits)}${unit}`);
  return `MOS ${figure(quality.mos, '', 2)} loss ${figure(loss, ' %', 1)} jitter ${figure(quality.jitterMs, ' ms', 1)} RTT ${figure(quality.rttMs, ' ms', 0)}`;
}

/** How long tail waits before reconnecting: 0.5 s doubling to 10 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(10_000, 500 * 2 ** Math.max(0, attempt - 1));
}

/**
 * Reads the server-sent events stream; with `count`, stops after that many events. When the stream
 * ends or breaks (the server stopped or restarted), says so on stderr and reconnects with backoff
 * until it is back or the user presses Ctrl-C; the first connection failing is an error (exit 4).
 */
export async function tail(target: ApiTarget, options: { count?: number }, out: Output): Promise<void> {
  const state = { seen: 0 };
  let attempt = 0;
  for (;;) {
    let response: Response;
    try {
      response = await callApi(target, '/api/v1/events');
    } catch (error) {
      if (attempt === 0 || !isUnreachable(error)) throw error;
      attempt++;
      const delay = reconnectDelayMs(attempt);
      out.info(`still cannot reach ${target.url}; retrying in ${(delay / 1000).toFixed(1)} s (Ctrl-C to stop)`);
      await sleep(delay);
      continue;
    }
    if (attempt > 0) out.info(`reconnected to ${target.url}`);
    attempt = 0;
    const done = await readStream(response, options, out, state);
    if (done) return;
    attempt = 1;
    const delay = reconnectDelayMs(attempt);
    out.info(`connection to ${target.url} lost; reconnecting in ${(delay / 1000).toFixed(1)} s (Ctrl-C to stop)`);
    await sleep(delay);
  }
}

/** Prints the stream's events; true once `count` events were printed, false when the stream ended or broke. */
async function readStream(response: Response, options: { count?: number }, out: Output, state: { seen: number }): Promise<boolean> {
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body!.getReader();
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch {
        return false; // undici: "terminated" when the server goes away mid-stream
      }
      if (chunk.done) return false;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame
          .split('\n')
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n');
        if (!data) continue;
        let event: EngineEvent;
        try {
          event = JSON.parse(data) as EngineEvent;
        } catch {
          out.info(`skipped an event that is not JSON: ${data.slice(0, 80)}`);
          continue;
        }
        out.result(event, describe(event, out));
        if (options.count !== undefined && ++state.seen >= options.count) return true;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function isUnreachable(error: unknown): boolean {
  return error instanceof CliError && error.code === 'unreachable';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

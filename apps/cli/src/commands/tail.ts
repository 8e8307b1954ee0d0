import type { EngineEvent } from '@callhook/core';
import { callApi, type ApiTarget } from '../api-client.js';
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
  }
}

/** Reads the server-sent events stream; with `count`, stops after that many events. */
export async function tail(target: ApiTarget, options: { count?: number }, out: Output): Promise<void> {
  const response = await callApi(target, '/api/v1/events');
  const decoder = new TextDecoder();
  let buffer = '';
  let seen = 0;
  const reader = response.body!.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (!data) continue;
        const event = JSON.parse(data) as EngineEvent;
        out.result(event, describe(event, out));
        if (options.count !== undefined && ++seen >= options.count) return;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

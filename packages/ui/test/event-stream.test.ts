import type { EngineEvent } from '@callhook/core';
import { describe, expect, it } from 'vitest';
import { subscribeEvents } from '../src/client/event-stream.js';

class FakeEventSource {
  readyState = 0;
  closed = false;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  readonly handlers = new Map<string, (message: MessageEvent<string>) => void>();
  addEventListener(type: string, handler: (message: MessageEvent<string>) => void) {
    this.handlers.set(type, handler);
  }
  removeEventListener(type: string) {
    this.handlers.delete(type);
  }
  close() {
    this.closed = true;
  }
  send(type: string, data: string) {
    this.handlers.get(type)?.({ data } as MessageEvent<string>);
  }
}

describe('subscribeEvents', () => {
  it('parses named events, reports the connection, and closes on unsubscribe', () => {
    const source = new FakeEventSource();
    const events: EngineEvent[] = [];
    const states: string[] = [];
    const off = subscribeEvents(
      '/api/v1/events',
      (e) => events.push(e),
      (s) => states.push(s),
      () => source as unknown as EventSource,
    );
    source.onopen?.();
    source.send('line', JSON.stringify({ type: 'line', status: { state: 'ready', detail: 'simulated line' } }));
    source.send('delivery', 'not json');
    source.readyState = 2;
    source.onerror?.();
    off();
    expect(events).toEqual([{ type: 'line', status: { state: 'ready', detail: 'simulated line' } }]);
    expect(states).toEqual(['connecting', 'open', 'closed', 'closed']);
    expect(source.closed).toBe(true);
    expect(source.handlers.size).toBe(0);
  });
});

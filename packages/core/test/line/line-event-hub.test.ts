import { describe, expect, it } from 'vitest';
import { LineEventHub, type LineEvent } from '../../src/index.js';

describe('LineEventHub', () => {
  it('keeps the status, tells every listener, and reports a failing one without stopping the rest', () => {
    const failures: string[] = [];
    const hub = new LineEventHub((error, event) => failures.push(`${event.type}: ${(error as Error).message}`));
    const seen: LineEvent['type'][] = [];
    hub.subscribe(() => {
      throw new Error('boom');
    });
    const unsubscribe = hub.subscribe((event) => seen.push(event.type));
    expect(hub.status).toEqual({ state: 'stopped', detail: 'not started' });
    hub.setStatus({ state: 'ready', detail: 'up' });
    hub.emit({ type: 'alerting', lineCallId: 'x' });
    unsubscribe();
    hub.emit({ type: 'alerting', lineCallId: 'y' });
    expect(hub.status).toEqual({ state: 'ready', detail: 'up' });
    expect(seen).toEqual(['status', 'alerting']);
    expect(failures).toEqual(['status: boom', 'alerting: boom', 'alerting: boom']);
  });
});

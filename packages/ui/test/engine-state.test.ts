import { describe, expect, it } from 'vitest';
import { engineReducer, initialEngineState } from '../src/state/engine-state.js';
import { call, record } from './support/fake-client.js';

describe('engineReducer', () => {
  it('moves an ended call from active to the history', () => {
    let state = engineReducer(initialEngineState, { type: 'event', event: { type: 'call', action: 'inbound', call: call(), at: 1 } });
    expect(state.active).toHaveLength(1);
    state = engineReducer(state, { type: 'event', event: { type: 'call', action: 'connected', call: call({ state: 'connected' }), at: 2 } });
    expect(state.active.map((c) => c.state)).toEqual(['connected']);
    state = engineReducer(state, {
      type: 'event',
      event: { type: 'call', action: 'disconnected', call: call({ state: 'ended', disposition: 'answered' }), at: 3 },
    });
    expect(state.active).toEqual([]);
    expect(state.recent.map((c) => c.disposition)).toEqual(['answered']);
  });

  it('keeps each delivery attempt once, newest first, whether loaded or live', () => {
    const first = record({ attempt: 1, at: 10 });
    const retry = record({ attempt: 2, at: 20 });
    let state = engineReducer(initialEngineState, { type: 'event', event: { type: 'delivery', record: retry } });
    state = engineReducer(state, { type: 'loaded-deliveries', deliveries: [first, retry] });
    expect(state.deliveries).toEqual([retry, first]);
  });

  it("takes every line's status from the engine's list, keeping a live status that came first", () => {
    const desk = { state: 'failed' as const, detail: "401 from the phone: check the line's username and password" };
    let state = engineReducer(initialEngineState, {
      type: 'event',
      event: { type: 'line', lineId: 'sip', status: { state: 'registering', detail: 'REGISTER sent' } },
    });
    state = engineReducer(state, {
      type: 'loaded-lines',
      lines: [
        { id: 'desk-12', status: desk },
        { id: 'sip', status: { state: 'starting', detail: '' } },
      ],
    });
    expect(state.lines).toEqual([
      { id: 'desk-12', status: desk },
      { id: 'sip', status: { state: 'registering', detail: 'REGISTER sent' } },
    ]);
    expect(state.line).toEqual(desk);
  });

  it('tracks the line status from events', () => {
    const state = engineReducer(initialEngineState, {
      type: 'event',
      event: { type: 'line', lineId: 'default', status: { state: 'unregistered', detail: '401 from registrar' } },
    });
    expect(state.line).toEqual({ state: 'unregistered', detail: '401 from registrar' });
  });

  it('a quality event updates the live call it names, and never brings back one that ended', () => {
    const quality = { packetsLost: 0, packetsReceived: 250, jitterMs: 1.2, rttMs: 20, mos: 4.4, codec: 'PCMU' };
    let state = engineReducer(initialEngineState, { type: 'event', event: { type: 'call', action: 'connected', call: call({ state: 'connected' }), at: 1 } });
    state = engineReducer(state, { type: 'event', event: { type: 'quality', call: call({ state: 'connected', quality }), at: 2 } });
    expect(state.active.map((c) => c.quality)).toEqual([quality]);
    state = engineReducer(state, { type: 'event', event: { type: 'call', action: 'disconnected', call: call({ state: 'ended', quality }), at: 3 } });
    const ended = engineReducer(state, { type: 'event', event: { type: 'quality', call: call({ state: 'connected', quality }), at: 4 } });
    expect(ended).toBe(state);
    expect(ended.active).toEqual([]);
  });
});

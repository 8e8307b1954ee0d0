import { describe, expect, it } from 'vitest';
import { createCall, InvalidTransitionError, lossPercent, toSnapshot, transition, type CallInput, type CallState, type EndCause } from '../../src/index.js';

const T0 = Date.UTC(2022, 1, 13, 16, 43, 50);
const newCall = (direction: 'inbound' | 'outbound'): CallState =>
  createCall({
    guid: 'g',
    lineId: 'default',
    direction,
    at: T0,
    localParty: 'sip:303@pbx',
    localName: 'Michael',
    remoteParty: '420',
    remoteName: 'Michael D785',
  }).state;

function run(direction: 'inbound' | 'outbound', inputs: CallInput['type'][], by: 'local' | 'remote' = 'remote', cause: EndCause = 'normal') {
  let state = newCall(direction);
  const actions: string[] = [];
  let t = T0;
  for (const type of inputs) {
    t += 1000;
    const input = (type === 'ended' ? { type, at: t, by, cause } : type === 'held' || type === 'resumed' ? { type, at: t, by } : { type, at: t }) as CallInput;
    const result = transition(state, input);
    state = result.state;
    actions.push(...result.effects.map((e) => e.action));
  }
  return { state, actions };
}

describe('call model transitions', () => {
  const table: [string, 'inbound' | 'outbound', CallInput['type'][], string[], string, 'local' | 'remote', Parameters<typeof run>[3]][] = [
    [
      'inbound answered, held, resumed, hung up',
      'inbound',
      ['answered', 'held', 'resumed', 'ended'],
      ['connected', 'hold', 'hold', 'disconnected'],
      'answered',
      'remote',
      'normal',
    ],
    ['inbound the caller gave up on', 'inbound', ['ended'], ['disconnected'], 'missed', 'remote', 'normal'],
    ['inbound we turned down', 'inbound', ['ended'], ['disconnected'], 'rejected', 'local', 'normal'],
    ['inbound ended while held', 'inbound', ['answered', 'held', 'ended'], ['connected', 'hold', 'disconnected'], 'answered', 'local', 'normal'],
    ['outbound answered', 'outbound', ['alerting', 'answered', 'ended'], ['connected', 'disconnected'], 'answered', 'local', 'normal'],
    ['outbound answered without ringing', 'outbound', ['answered', 'ended'], ['connected', 'disconnected'], 'answered', 'remote', 'normal'],
    ['outbound busy', 'outbound', ['ended'], ['disconnected'], 'busy', 'remote', 'busy'],
    ['outbound declined', 'outbound', ['alerting', 'ended'], ['disconnected'], 'rejected', 'remote', 'rejected'],
    ['outbound cancelled by us', 'outbound', ['alerting', 'ended'], ['disconnected'], 'cancelled', 'local', 'normal'],
    ['outbound failed', 'outbound', ['ended'], ['disconnected'], 'failed', 'remote', 'failed'],
    ['outbound unanswered timeout', 'outbound', ['alerting', 'ended'], ['disconnected'], 'cancelled', 'remote', 'no_answer'],
    ['inbound timed out', 'inbound', ['ended'], ['disconnected'], 'missed', 'local', 'no_answer'],
    ['inbound taken by another device (CANCEL, cause=200)', 'inbound', ['ended'], ['disconnected'], 'answered_elsewhere', 'remote', 'answered_elsewhere'],
    ['inbound answered, then transferred by us', 'inbound', ['answered', 'ended'], ['connected', 'disconnected'], 'transferred', 'local', 'transferred'],
    [
      'outbound answered, held, then transferred',
      'outbound',
      ['answered', 'held', 'ended'],
      ['connected', 'hold', 'disconnected'],
      'transferred',
      'local',
      'transferred',
    ],
    ['outbound redirected by a 3xx', 'outbound', ['ended'], ['disconnected'], 'forwarded', 'remote', 'forwarded'],
  ];
  it.each(table)('%s', (_name, direction, inputs, actions, disposition, by, cause) => {
    const result = run(direction, inputs, by, cause);
    expect(result.actions).toEqual(actions);
    expect(result.state.phase).toBe('ended');
    expect(result.state.disposition).toBe(disposition);
  });

  it('creation fires the direction as its action', () => {
    expect(createCall({ guid: 'g', lineId: 'default', direction: 'inbound', at: T0, localParty: 'a', remoteParty: 'b' }).effects).toEqual([
      { type: 'fire', action: 'inbound' },
    ]);
    expect(createCall({ guid: 'g', lineId: 'default', direction: 'outbound', at: T0, localParty: 'a', remoteParty: 'b' }).effects).toEqual([
      { type: 'fire', action: 'outbound' },
    ]);
  });

  const invalid: [string, 'inbound' | 'outbound', CallInput['type'][], string, string][] = [
    ['hold while ringing', 'inbound', ['held'], 'ringing', 'held'],
    ['resume while connected', 'inbound', ['answered', 'resumed'], 'connected', 'resumed'],
    ['answer twice', 'inbound', ['answered', 'answered'], 'connected', 'answered'],
    ['end twice', 'inbound', ['ended', 'ended'], 'ended', 'ended'],
    ['alerting for an inbound call', 'inbound', ['alerting'], 'ringing', 'alerting'],
    ['hold twice', 'outbound', ['answered', 'held', 'held'], 'held', 'held'],
  ];
  it.each(invalid)('%s is a typed error naming from and to', (_name, direction, inputs, from, to) => {
    let error: unknown;
    try {
      run(direction, inputs);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidTransitionError);
    expect((error as InvalidTransitionError).code).toBe('invalid_transition');
    expect((error as InvalidTransitionError).from).toBe(from);
    expect((error as InvalidTransitionError).to).toBe(to);
  });

  it('snapshots carry the aliases, hold state and times', () => {
    const { state } = run('inbound', ['answered', 'held']);
    expect(toSnapshot(state)).toEqual({
      guid: 'g',
      lineId: 'default',
      direction: 'inbound',
      localParty: 'sip:303@pbx',
      localAlias: '"Michael" (303)',
      remoteParty: '420',
      remoteAlias: '"Michael D785" (420)',
      state: 'held',
      holdState: 'on_hold',
      disposition: null,
      createdAt: '2022-02-13T16:43:50.000Z',
      connectedAt: '2022-02-13T16:43:51.000Z',
      disconnectedAt: null,
      quality: null,
      recording: false,
    });
  });

  it('an alias without a display name is the number', () => {
    const state = createCall({ guid: 'g', lineId: 'default', direction: 'inbound', at: T0, localParty: '303', remoteParty: '+4930123', remoteName: '' }).state;
    expect(toSnapshot(state).remoteAlias).toBe('+4930123');
    expect(toSnapshot(state).localAlias).toBe('303');
  });
});

describe('live media quality (line event "quality")', () => {
  const live = { packetsLost: 2, packetsReceived: 248, jitterMs: 3.1, rttMs: 14, mos: 4.38, codec: 'PCMU' };
  const final = { packetsLost: 5, packetsReceived: 1495, jitterMs: 2.4, rttMs: 12, mos: 4.35, codec: 'PCMU' };

  it('folds the figures into a connected call without changing its phase or firing an action', () => {
    const { state } = run('inbound', ['answered']);
    const result = transition(state, { type: 'quality', at: T0 + 5000, quality: live });
    expect(result.effects).toEqual([]);
    expect(result.state).toEqual({ ...state, quality: live });
    expect(toSnapshot(result.state)).toMatchObject({ state: 'connected', holdState: 'off_hold', quality: live });
  });

  it('folds them into a held call too, which stays held', () => {
    const { state } = run('outbound', ['answered', 'held']);
    const result = transition(state, { type: 'quality', at: T0 + 5000, quality: live });
    expect(result.effects).toEqual([]);
    expect(result.state.phase).toBe('held');
    expect(result.state.quality).toEqual(live);
  });

  it('a later update replaces the earlier one', () => {
    const { state } = run('inbound', ['answered']);
    const first = transition(state, { type: 'quality', at: T0 + 5000, quality: live }).state;
    const second = transition(first, { type: 'quality', at: T0 + 10_000, quality: final }).state;
    expect(second.quality).toEqual(final);
  });

  it('ended keeps the final figures it carries, not the last live ones', () => {
    const { state } = run('inbound', ['answered']);
    const withLive = transition(state, { type: 'quality', at: T0 + 5000, quality: live }).state;
    const ended = transition(withLive, { type: 'ended', at: T0 + 6000, by: 'remote', cause: 'normal', media: { quality: final, recorded: false } });
    expect(ended.effects).toEqual([{ type: 'fire', action: 'disconnected' }]);
    expect(ended.state.quality).toEqual(final);
  });

  it('ended without media figures keeps the last live ones', () => {
    const { state } = run('inbound', ['answered']);
    const withLive = transition(state, { type: 'quality', at: T0 + 5000, quality: live }).state;
    expect(transition(withLive, { type: 'ended', at: T0 + 6000, by: 'local', cause: 'normal' }).state.quality).toEqual(live);
  });

  it.each([
    ['ringing', 'inbound', []],
    ['dialing', 'outbound', []],
    ['ended', 'inbound', ['answered', 'ended']],
  ] as const)('is refused while %s (a typed error naming from and to)', (from, direction, inputs) => {
    const { state } = run(direction, [...inputs]);
    let error: unknown;
    try {
      transition(state, { type: 'quality', at: T0 + 5000, quality: live });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidTransitionError);
    expect((error as InvalidTransitionError).from).toBe(from);
    expect((error as InvalidTransitionError).to).toBe('quality');
  });
});

describe('lossPercent', () => {
  it('is cumulative lost over lost plus received, in percent (RFC 3550 §6.4.1)', () => {
    expect(lossPercent({ packetsLost: 5, packetsReceived: 495 })).toBe(1);
    expect(lossPercent({ packetsLost: 0, packetsReceived: 250 })).toBe(0);
  });

  it('is null before any packet was expected and for snapshots without packetsReceived', () => {
    expect(lossPercent({ packetsLost: 0, packetsReceived: 0 })).toBeNull();
    expect(lossPercent({ packetsLost: 3 })).toBeNull();
  });
});

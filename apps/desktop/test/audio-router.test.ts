import { SPEC_EXAMPLE_CALL, silentLogger, type CallSnapshot, type EngineEvent } from '@callhook/core';
import { describe, expect, it } from 'vitest';
import { createAudioRouter } from '../src/main/audio-router.js';
import type { CallAudioPort } from '../src/main/call-audio-port.js';
import { FakeAudioPort, FakeCallAudio } from './support/fakes.js';

const call = (guid: string, state: CallSnapshot['state'], connectedAt: string | null = null): CallSnapshot => ({
  ...SPEC_EXAMPLE_CALL,
  guid,
  state,
  connectedAt,
});
const event = (snapshot: CallSnapshot): EngineEvent => ({ type: 'call', action: 'connected', call: snapshot, at: 0 });

function setup(lineAudio: Record<string, CallAudioPort>, active: CallSnapshot[] = []) {
  const router = createAudioRouter({ audioOf: (guid) => lineAudio[guid] ?? null, activeCalls: () => active, logger: silentLogger });
  const port = new FakeAudioPort();
  return { router, port };
}

describe('audio router: which call the console hears', () => {
  it('attaches the call when it connects, and detaches it when it goes on hold or ends', () => {
    const audio = new FakeCallAudio();
    const { router, port } = setup({ a: audio });
    router.connect(port);
    router.onEvent(event(call('a', 'ringing')));
    expect(port.controls()).toEqual([]);
    router.onEvent(event(call('a', 'connected', '2026-01-01T10:00:00Z')));
    expect(router.activeCall()).toBe('a');
    router.onEvent(event(call('a', 'held', '2026-01-01T10:00:00Z')));
    router.onEvent(event(call('a', 'connected', '2026-01-01T10:00:00Z')));
    router.onEvent(event(call('a', 'ended', '2026-01-01T10:00:00Z')));
    expect(port.controls()).toEqual([
      { type: 'attach', call: 'a', sampleRate: 8000 },
      { type: 'detach', call: 'a' },
      { type: 'attach', call: 'a', sampleRate: 8000 },
      { type: 'detach', call: 'a' },
    ]);
    expect(audio.subscribers).toBe(0);
    expect(router.activeCall()).toBeNull();
  });

  it('shows "no audio on this line" for a connected call whose line has no audio', () => {
    const { router, port } = setup({});
    router.connect(port);
    router.onEvent(event(call('sim', 'connected', '2026-01-01T10:00:00Z')));
    expect(port.controls()).toEqual([{ type: 'unavailable', call: 'sim', reason: 'no audio on this line' }]);
    router.onEvent(event(call('sim', 'ended', '2026-01-01T10:00:00Z')));
    expect(port.controls().at(-1)).toEqual({ type: 'detach', call: 'sim' });
  });

  it('attaches a call that was already connected when the renderer connects', () => {
    const audio = new FakeCallAudio(16_000);
    const { router, port } = setup({ a: audio }, [call('a', 'connected', '2026-01-01T10:00:00Z')]);
    router.connect(port);
    expect(port.controls()).toEqual([{ type: 'attach', call: 'a', sampleRate: 16_000 }]);
  });

  it('follows the most recently connected call and moves back when it ends', () => {
    const a = new FakeCallAudio();
    const b = new FakeCallAudio();
    const { router, port } = setup({ a, b });
    router.connect(port);
    router.onEvent(event(call('a', 'connected', '2026-01-01T10:00:00Z')));
    router.onEvent(event(call('b', 'connected', '2026-01-01T10:05:00Z')));
    expect(router.activeCall()).toBe('b');
    router.onEvent(event(call('b', 'ended', '2026-01-01T10:05:00Z')));
    expect(router.activeCall()).toBe('a');
    port.deliver(new Int16Array(160));
    expect(a.sent).toHaveLength(1);
    expect(b.sent).toHaveLength(0);
  });

  it('a new renderer port replaces the old one, which is closed', () => {
    const audio = new FakeCallAudio();
    const { router, port } = setup({ a: audio }, [call('a', 'connected', '2026-01-01T10:00:00Z')]);
    router.connect(port);
    const second = new FakeAudioPort();
    router.connect(second);
    expect(port.closed).toBe(true);
    expect(second.controls()).toEqual([{ type: 'attach', call: 'a', sampleRate: 8000 }]);
    audio.receive(new Int16Array(160));
    expect(second.frames()).toHaveLength(1);
    expect(audio.subscribers).toBe(1);
    router.close();
    expect(second.closed).toBe(true);
    expect(audio.subscribers).toBe(0);
  });

  it('ignores events that are not about calls, and reports the link stats', () => {
    const { router, port } = setup({});
    expect(router.stats()).toBeNull();
    router.connect(port);
    router.onEvent({ type: 'line', lineId: 'default', status: { state: 'ready', detail: '' } });
    port.deliver('garbage');
    expect(router.stats()).toMatchObject({ dropped: 1 });
    expect(port.controls()).toEqual([]);
  });
});

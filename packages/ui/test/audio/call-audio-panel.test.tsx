import { act, render, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/app/app.js';
import type { AudioGraph, AudioGraphOptions } from '../../src/audio/audio-graph.js';
import { createAudioSession, type AudioWire } from '../../src/audio/audio-session.js';
import type { AudioDevices } from '../../src/audio/audio-wire.js';
import { DesktopAudioContext, type DesktopAudio } from '../../src/audio/ui/desktop-audio-context.js';
import { call, FakeClient } from '../support/fake-client.js';

/** A wire whose other end is the test: `fromMain` plays main posting a message. */
function fakeWire() {
  const wire: AudioWire & { sent: unknown[]; fromMain(data: unknown): void } = {
    sent: [],
    onmessage: null,
    postMessage: (message) => void wire.sent.push(message),
    close: () => undefined,
    fromMain: (data) => wire.onmessage?.({ data } as MessageEvent),
  };
  return wire;
}

/** A graph that records what the session asks of it instead of touching Web Audio. */
function fakeGraph() {
  const calls: string[] = [];
  let options: AudioGraphOptions | null = null;
  const start = async (o: AudioGraphOptions): Promise<AudioGraph> => {
    options = o;
    calls.push(`start ${o.callRate} muted=${o.muted} in=${o.inputDevice}`);
    return {
      contextRate: 48_000,
      play: () => calls.push('play'),
      setMuted: (m) => void calls.push(`mute ${m}`),
      setInputDevice: async (id) => void calls.push(`input ${id}`),
      setOutputDevice: async (id) => (calls.push(`output ${id}`), true),
      close: async () => void calls.push('close'),
    };
  };
  return { calls, start, options: () => options! };
}

function setup() {
  const wire = fakeWire();
  const graph = fakeGraph();
  const session = createAudioSession({ wire, startGraph: graph.start, workletUrl: 'worklet.js', mediaDevices: {} as MediaDevices });
  const rings: boolean[] = [];
  const saved: AudioDevices[] = [];
  const audio: DesktopAudio = {
    session,
    ringer: { setRinging: async (on) => void rings.push(on), setOutputDevice: async () => undefined },
    bridge: { saveDevices: async (d) => (saved.push(d), d) },
  };
  const client = new FakeClient();
  window.location.hash = '#calls';
  render(
    <DesktopAudioContext.Provider value={audio}>
      <App client={client} />
    </DesktopAudioContext.Provider>,
  );
  return { wire, graph, session, rings, saved, client };
}

describe('desktop call audio in the console', () => {
  it('shows the connected call’s audio with mute and meters, and mutes the capture', async () => {
    const user = userEvent.setup();
    const { wire, graph, client } = setup();
    await screen.findByText('Line ready');
    act(() => client.emit({ type: 'call', action: 'connected', call: call({ state: 'connected', connectedAt: new Date().toISOString() }), at: 1 }));
    expect(await screen.findByText('Audio: no connected call')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Mute' })).toHaveProperty('disabled', true);

    act(() => wire.fromMain({ type: 'attach', call: call().guid, sampleRate: 8000 }));
    expect(await screen.findByText('Audio: "Michael D785" (420)')).toBeTruthy();
    expect(graph.calls[0]).toBe('start 8000 muted=false in=null');
    act(() => graph.options().onReport('input', { type: 'level', rms: 0.1, peak: 0.3, underruns: 0, overflowSamples: 0 }));
    expect((screen.getByLabelText('Microphone level') as HTMLMeterElement).value).toBeGreaterThan(0.6);
    expect((screen.getByLabelText('Speaker level') as HTMLMeterElement).value).toBe(0);

    await user.click(screen.getByRole('button', { name: 'Mute' }));
    expect(graph.calls).toContain('mute true');
    expect(screen.getByRole('button', { name: 'Unmute' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByText('Audio: "Michael D785" (420) (muted)')).toBeTruthy();

    act(() => graph.options().onFrame(new Int16Array(160)));
    expect(wire.sent).toHaveLength(1);
  });

  it('says "no audio on this line" for a call whose line has none', async () => {
    const { wire } = setup();
    act(() => wire.fromMain({ type: 'unavailable', call: 'sim-1', reason: 'no audio on this line' }));
    expect(await screen.findByText('the call: no audio on this line')).toBeTruthy();
  });

  it('switches the microphone and saves the choice in the desktop prefs', async () => {
    const user = userEvent.setup();
    const { wire, graph, saved } = setup();
    act(() => wire.fromMain({ type: 'attach', call: call().guid, sampleRate: 16_000 }));
    await screen.findByText('Audio: the call');
    const picker = screen.getByLabelText('Microphone') as HTMLSelectElement;
    // jsdom lists no devices; add one as enumerateDevices would.
    act(() => void picker.append(new Option('USB headset', 'usb-1')));
    await user.selectOptions(picker, 'usb-1');
    await waitFor(() => expect(saved).toEqual([{ input: 'usb-1', output: null }]));
    expect(graph.calls).toContain('input usb-1');
  });

  it('rings while an incoming call rings, and stops when it is answered', async () => {
    const { client, rings } = setup();
    await screen.findByText('Line ready');
    act(() => client.emit({ type: 'call', action: 'inbound', call: call(), at: 1 }));
    await waitFor(() => expect(rings.at(-1)).toBe(true));
    act(() => client.emit({ type: 'call', action: 'connected', call: call({ state: 'connected', connectedAt: new Date().toISOString() }), at: 2 }));
    await waitFor(() => expect(rings.at(-1)).toBe(false));
  });

  it('shows no audio controls in the web console (no desktop audio)', async () => {
    const client = new FakeClient();
    window.location.hash = '#calls';
    render(<App client={client} />);
    await screen.findByText('Line ready');
    expect(screen.queryByRole('heading', { name: 'Call audio' })).toBeNull();
  });
});

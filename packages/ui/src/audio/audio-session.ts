import { countDrop, emptyWireStats, frameSamples, isBinary, readControl, readFrame, type AudioDevices, type WireStats } from './audio-wire.js';
import { startAudioGraph, type AudioGraph, type AudioGraphOptions } from './audio-graph.js';
import type { Level } from './level.js';
import { defaultWorkletUrl } from './worklet-url.js';

/**
 * Where the page's call audio is:
 * - `idle`: no call carries audio now;
 * - `starting`: opening the microphone and the worklets for `call`;
 * - `live`: frames flow both ways;
 * - `unavailable`: `call` is connected but its line has no audio (`detail` says so);
 * - `failed`: the microphone or the audio output could not be opened (`detail` has the browser's reason).
 */
export type AudioStatus = 'idle' | 'starting' | 'live' | 'unavailable' | 'failed';

/** A snapshot of the session for the UI. */
export interface AudioSessionState {
  status: AudioStatus;
  /** The call's GUID the status is about; null when idle. */
  call: string | null;
  detail: string;
  /** The call's sample rate in Hz while starting/live. */
  sampleRate: number | null;
  muted: boolean;
  /** Microphone level (before mute) and what is played, 0..1, updated every 100 ms while live. */
  input: Level;
  output: Level;
  /** Frames out (to main) and in (from main), and messages from main that were dropped, by reason. */
  wire: WireStats;
  /** Playback buffer: reads that ran dry, samples dropped because it was full. */
  playout: { underruns: number; overflowSamples: number };
  devices: AudioDevices;
}

/** Where the session's frames and control messages come and go: a MessagePort, or a test's stand-in. */
export interface AudioWire {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
  start?(): void;
  close(): void;
}

export interface AudioSessionOptions {
  /** The port to the main process (its peer attaches it to the active call). */
  wire: AudioWire;
  devices?: AudioDevices;
  workletUrl?: string;
  mediaDevices?: MediaDevices;
  /** Builds a call's graph; tests and other hosts may replace it. */
  startGraph?: (options: AudioGraphOptions) => Promise<AudioGraph>;
}

/** The page's side of desktop call audio: answers the main process's attach/detach and carries frames. */
export interface AudioSession {
  state(): AudioSessionState;
  /** Called on every change of `state()`; returns the unsubscribe function. */
  subscribe(listener: (state: AudioSessionState) => void): () => void;
  setMuted(muted: boolean): void;
  /** Rejects with the browser's error when the device cannot be opened; the choice stays as it was then. */
  setInputDevice(deviceId: string | null): Promise<void>;
  setOutputDevice(deviceId: string | null): Promise<void>;
  /** Stops the graph and closes the wire. */
  close(): Promise<void>;
}

const SILENT: Level = { rms: 0, peak: 0 };

/** Starts listening on the wire; the microphone opens only while the main process attaches a call. */
export function createAudioSession(options: AudioSessionOptions): AudioSession {
  const wire = options.wire;
  const startGraph = options.startGraph ?? startAudioGraph;
  const listeners = new Set<(state: AudioSessionState) => void>();
  let state: AudioSessionState = {
    status: 'idle',
    call: null,
    detail: '',
    sampleRate: null,
    muted: false,
    input: SILENT,
    output: SILENT,
    wire: emptyWireStats(),
    playout: { underruns: 0, overflowSamples: 0 },
    devices: options.devices ?? { input: null, output: null },
  };
  let graph: AudioGraph | null = null;
  /** Bumped on every attach/detach, so a graph that finishes starting for an older call is closed. */
  let generation = 0;
  let closed = false;

  const update = (patch: Partial<AudioSessionState>) => {
    state = { ...state, ...patch };
    for (const listener of listeners) listener(state);
  };
  const stopGraph = async () => {
    const old = graph;
    graph = null;
    await old?.close().catch(() => undefined);
  };

  const attach = async (call: string, sampleRate: number) => {
    const mine = ++generation;
    await stopGraph();
    update({ status: 'starting', call, detail: '', sampleRate, input: SILENT, output: SILENT });
    try {
      const started = await startGraph({
        callRate: sampleRate,
        workletUrl: options.workletUrl ?? defaultWorkletUrl(),
        inputDevice: state.devices.input,
        outputDevice: state.devices.output,
        muted: state.muted,
        mediaDevices: options.mediaDevices ?? navigator.mediaDevices,
        onFrame(frame) {
          if (graph !== started) return;
          wire.postMessage(frame);
          state.wire.framesOut += 1;
        },
        onReport(side, report) {
          if (graph !== started) return;
          if (side === 'input') update({ input: { rms: report.rms, peak: report.peak } });
          else update({ output: { rms: report.rms, peak: report.peak }, playout: { underruns: report.underruns, overflowSamples: report.overflowSamples } });
        },
      });
      if (mine !== generation || closed) return void (await started.close().catch(() => undefined));
      graph = started;
      update({ status: 'live' });
    } catch (error) {
      if (mine === generation) update({ status: 'failed', detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  };

  const detach = async (status: 'idle' | 'unavailable', call: string | null, detail: string) => {
    generation++;
    await stopGraph();
    update({ status, call, detail, sampleRate: null, input: SILENT, output: SILENT });
  };

  wire.onmessage = (event: MessageEvent) => {
    const data: unknown = event.data;
    if (isBinary(data)) {
      // Frames that arrive while the microphone opens are not wrong, just early.
      if (state.status === 'starting') return;
      if (state.status !== 'live' || !graph || state.sampleRate === null) return void (countDrop(state.wire, 'no_call'), update({}));
      const frame = readFrame(data, frameSamples(state.sampleRate));
      if (typeof frame === 'string') return void (countDrop(state.wire, frame), update({}));
      state.wire.framesIn += 1;
      graph.play(frame);
      return;
    }
    const control = readControl(data);
    if (!control) return void (countDrop(state.wire, 'bad_control'), update({}));
    if (control.type === 'attach') void attach(control.call, control.sampleRate);
    else if (control.type === 'unavailable') void detach('unavailable', control.call, control.reason);
    else if (control.call === state.call) void detach('idle', null, '');
  };
  wire.start?.();

  return {
    state: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    setMuted(muted) {
      graph?.setMuted(muted);
      update({ muted });
    },
    async setInputDevice(deviceId) {
      if (graph) await graph.setInputDevice(deviceId);
      update({ devices: { ...state.devices, input: deviceId } });
    },
    async setOutputDevice(deviceId) {
      if (graph) await graph.setOutputDevice(deviceId);
      update({ devices: { ...state.devices, output: deviceId } });
    },
    async close() {
      closed = true;
      generation++;
      wire.onmessage = null;
      wire.close();
      await stopGraph();
      update({ status: 'idle', call: null, detail: '', sampleRate: null });
    },
  };
}

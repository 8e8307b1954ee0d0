import type { Level } from './level.js';
import { CAPTURE_PROCESSOR, PLAYBACK_PROCESSOR, type MuteMessage, type WorkletReport } from './worklet/worklet-messages.js';

/** What one call's Web Audio graph needs. */
export interface AudioGraphOptions {
  /** The call's sample rate in Hz: frames out and in are 20 ms at this rate. */
  callRate: number;
  /** URL of the worklet module (`pcm-worklet.js`). */
  workletUrl: string;
  /** `MediaDeviceInfo.deviceId`s; null is the system default. */
  inputDevice: string | null;
  outputDevice: string | null;
  muted: boolean;
  mediaDevices: MediaDevices;
  /** Each captured frame (Int16, 20 ms at `callRate`), zeros while muted. */
  onFrame(frame: Int16Array): void;
  /** Level reports, every 100 ms from each side. */
  onReport(side: 'input' | 'output', report: WorkletReport): void;
}

/** One call's audio in the page: microphone → capture worklet, playback worklet → speaker. */
export interface AudioGraph {
  /** The AudioContext's own rate in Hz (the worklets resample between it and the call's rate). */
  readonly contextRate: number;
  /** Queues one received frame for playback. */
  play(frame: Int16Array): void;
  setMuted(muted: boolean): void;
  /** Switches the microphone (a new getUserMedia stream; the old one is stopped). */
  setInputDevice(deviceId: string | null): Promise<void>;
  /** Switches the speaker where `AudioContext.setSinkId` exists; false where it does not. */
  setOutputDevice(deviceId: string | null): Promise<boolean>;
  /** Stops the microphone and closes the context. */
  close(): Promise<void>;
}

/** Whether this browser can pick the output device of an AudioContext. */
export function canSelectOutput(): boolean {
  return typeof AudioContext !== 'undefined' && 'setSinkId' in AudioContext.prototype;
}

type SinkContext = AudioContext & { setSinkId(id: string): Promise<void> };

function microphoneConstraints(deviceId: string | null): MediaStreamConstraints {
  return {
    audio: { ...(deviceId ? { deviceId: { exact: deviceId } } : {}), channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    video: false,
  };
}

/** Builds and starts the graph; on failure everything it opened is closed again. */
export async function startAudioGraph(options: AudioGraphOptions): Promise<AudioGraph> {
  const context = new AudioContext({ latencyHint: 'interactive' });
  let stream: MediaStream | null = null;
  try {
    if (options.outputDevice && canSelectOutput()) await (context as SinkContext).setSinkId(options.outputDevice);
    await context.audioWorklet.addModule(options.workletUrl);
    const processorOptions = { callRate: options.callRate };
    const capture = new AudioWorkletNode(context, CAPTURE_PROCESSOR, { numberOfInputs: 1, numberOfOutputs: 1, processorOptions });
    const playback = new AudioWorkletNode(context, PLAYBACK_PROCESSOR, { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1], processorOptions });
    capture.port.onmessage = (event: MessageEvent) => {
      if (event.data instanceof Int16Array) options.onFrame(event.data);
      else options.onReport('input', event.data as WorkletReport);
    };
    playback.port.onmessage = (event: MessageEvent) => options.onReport('output', event.data as WorkletReport);
    const mute = (muted: boolean) => capture.port.postMessage({ type: 'mute', muted } satisfies MuteMessage);
    mute(options.muted);
    // The capture node writes nothing to its output; connecting it keeps the renderer pulling it.
    capture.connect(context.destination);
    playback.connect(context.destination);

    stream = await options.mediaDevices.getUserMedia(microphoneConstraints(options.inputDevice));
    let source = context.createMediaStreamSource(stream);
    source.connect(capture);
    if (context.state === 'suspended') await context.resume();

    return {
      contextRate: context.sampleRate,
      play: (frame) => playback.port.postMessage(frame),
      setMuted: mute,
      async setInputDevice(deviceId) {
        const next = await options.mediaDevices.getUserMedia(microphoneConstraints(deviceId));
        source.disconnect();
        stream?.getTracks().forEach((track) => track.stop());
        stream = next;
        source = context.createMediaStreamSource(next);
        source.connect(capture);
      },
      async setOutputDevice(deviceId) {
        if (!canSelectOutput()) return false;
        await (context as SinkContext).setSinkId(deviceId ?? '');
        return true;
      },
      async close() {
        stream?.getTracks().forEach((track) => track.stop());
        capture.port.onmessage = null;
        playback.port.onmessage = null;
        await context.close();
      },
    };
  } catch (error) {
    stream?.getTracks().forEach((track) => track.stop());
    await context.close().catch(() => undefined);
    throw error;
  }
}

/** A level report as the meters show it. */
export function levelOf(report: WorkletReport): Level {
  return { rms: report.rms, peak: report.peak };
}

// The audio worklet module: two processors, bundled with their imports into one self-contained file
// (dist/lib/audio/pcm-worklet.js, vite.worklet.config.ts) because an app bundler copies a worklet as a
// plain asset without following its imports.
import { Int16Framer, int16ToFloat } from '../framer.js';
import { measureLevel } from '../level.js';
import { PlayoutBuffer } from '../playout-buffer.js';
import { Resampler } from '../resampler.js';
import { CAPTURE_PROCESSOR, LEVEL_INTERVAL_MS, PLAYBACK_PROCESSOR, PLAYOUT_CAPACITY_MS, PLAYOUT_PREBUFFER_MS, type WorkletReport } from './worklet-messages.js';
import { frameSamples } from '../frame-size.js';

// The AudioWorkletGlobalScope, which TypeScript's DOM library does not describe.
declare const sampleRate: number;
declare function registerProcessor(name: string, processor: new (options: { processorOptions?: unknown }) => AudioWorkletProcessorBase): void;
declare class AudioWorkletProcessorBase {
  readonly port: MessagePort;
}
const Base = (globalThis as unknown as { AudioWorkletProcessor: typeof AudioWorkletProcessorBase }).AudioWorkletProcessor;

/** Context-rate blocks per level report. */
const blocksPerReport = () => Math.max(1, Math.round((sampleRate * LEVEL_INTERVAL_MS) / 1000 / 128));

/** Microphone → resampled to the call's rate → 20 ms Int16 frames posted to the page (zeros while muted). */
class CaptureProcessor extends Base {
  private readonly resampler: Resampler;
  private readonly framer: Int16Framer;
  private muted = false;
  private blocks = 0;
  private peak = 0;
  private sumSquares = 0;
  private count = 0;

  constructor(options: { processorOptions?: unknown }) {
    super();
    const { callRate } = options.processorOptions as { callRate: number };
    this.resampler = new Resampler(sampleRate, callRate);
    this.framer = new Int16Framer(frameSamples(callRate));
    this.port.onmessage = (event: MessageEvent) => {
      const data = event.data as { type?: string; muted?: unknown };
      if (data?.type === 'mute' && typeof data.muted === 'boolean') this.muted = data.muted;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0];
    const mono = channels && channels.length > 0 ? mixDown(channels) : null;
    if (!mono) return true;
    this.accumulate(mono);
    const resampled = this.resampler.process(mono);
    if (this.muted) resampled.fill(0);
    this.framer.push(resampled, (frame) => this.port.postMessage(frame, [frame.buffer]));
    return true;
  }

  private accumulate(block: Float32Array): void {
    const level = measureLevel(block);
    this.peak = Math.max(this.peak, level.peak);
    this.sumSquares += level.rms * level.rms * block.length;
    this.count += block.length;
    if (++this.blocks < blocksPerReport()) return;
    const report: WorkletReport = { type: 'level', rms: Math.sqrt(this.sumSquares / this.count), peak: this.peak, underruns: 0, overflowSamples: 0 };
    this.port.postMessage(report);
    this.blocks = 0;
    this.peak = 0;
    this.sumSquares = 0;
    this.count = 0;
  }
}

/** Int16 frames at the call's rate from the page → resampled to the context rate → a small bounded buffer → the speaker. */
class PlaybackProcessor extends Base {
  private readonly resampler: Resampler;
  private readonly buffer: PlayoutBuffer;
  private blocks = 0;
  private peak = 0;
  private sumSquares = 0;
  private count = 0;

  constructor(options: { processorOptions?: unknown }) {
    super();
    const { callRate } = options.processorOptions as { callRate: number };
    this.resampler = new Resampler(callRate, sampleRate);
    this.buffer = new PlayoutBuffer(Math.round((sampleRate * PLAYOUT_CAPACITY_MS) / 1000), Math.round((sampleRate * PLAYOUT_PREBUFFER_MS) / 1000));
    this.port.onmessage = (event: MessageEvent) => {
      if (event.data instanceof Int16Array) this.buffer.write(this.resampler.process(int16ToFloat(event.data)));
    };
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const channels = outputs[0];
    const first = channels?.[0];
    if (!channels || !first) return true;
    this.buffer.read(first);
    for (let c = 1; c < channels.length; c++) channels[c]!.set(first);
    const level = measureLevel(first);
    this.peak = Math.max(this.peak, level.peak);
    this.sumSquares += level.rms * level.rms * first.length;
    this.count += first.length;
    if (++this.blocks >= blocksPerReport()) {
      const report: WorkletReport = {
        type: 'level',
        rms: Math.sqrt(this.sumSquares / this.count),
        peak: this.peak,
        underruns: this.buffer.underruns,
        overflowSamples: this.buffer.overflowSamples,
      };
      this.port.postMessage(report);
      this.blocks = 0;
      this.peak = 0;
      this.sumSquares = 0;
      this.count = 0;
    }
    return true;
  }
}

function mixDown(channels: Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0]!.slice();
  const out = new Float32Array(channels[0]!.length);
  for (const channel of channels) for (let i = 0; i < out.length; i++) out[i]! += channel[i]! / channels.length;
  return out;
}

registerProcessor(CAPTURE_PROCESSOR, CaptureProcessor);
registerProcessor(PLAYBACK_PROCESSOR, PlaybackProcessor);

import type { Logger } from '@callhook/core';
import type { CallAudioPort } from './call-audio-port.js';
import { frameSamples, PCM_RATE, WIDEBAND_RATE, type AudioRate } from './codec.js';
import { JitterBuffer, type Pulled } from './jitter-buffer.js';
import type { WavRecorder } from './wav-recorder.js';

/** Frames `send()` may queue ahead of the media clock (200 ms); older ones are dropped. */
const MAX_QUEUED = 10;

/**
 * One sound (a prompt, hold music) as 16-bit mono PCM at each audio rate a line's calls may run at,
 * keyed by the rate in Hz (8000, 16000): a call plays the one at its own rate (see `loadWavPrompts`).
 */
export type RatedPcm = ReadonlyMap<number, Int16Array>;

/** What a call plays when the host sends nothing: a prompt once when answered, music while held. */
export interface CallAudioSources {
  /** Played once from the start of the media (`line.media.play`). */
  prompt?: RatedPcm | undefined;
  /** Looped while we hold the call (`line.media.holdMusic`). */
  holdMusic?: RatedPcm | undefined;
}

/** How a call's audio rate is chosen. */
export interface CallAudioOptions {
  /**
   * Highest rate the call may run at (`line.media.wideband: false` → 8000): a wideband codec on a call
   * capped at 8 kHz goes through the halfband converter. Default 16000.
   */
  maxSampleRate?: AudioRate;
}

/**
 * The audio of one call, driven by the media clock (`tick()` every 20 ms): it takes the far end's
 * decoded frames into a `JitterBuffer`, hands each played-out frame to the `onReceive` listeners and
 * the recorder, and picks the frame to send: what the host `send()`s, else hold music while held,
 * else the prompt until it ends, else silence (so a PBX never times the call out).
 *
 * Its PCM runs at one rate for the whole call (`sampleRate`): the rate of the first agreed codec
 * (`fixRate`, from `RtpStream.configure`: 16 kHz for G.722 and Opus, 8 kHz for G.711), or 8 kHz if
 * the media clock ticks before any codec is agreed; it is fixed before the first frame flows, so
 * frames, the jitter buffer, prompts and the recording all share it. A later codec of another rate is
 * converted to it (`rate-adapter.ts`).
 * Bad frames from the host (wrong length) are logged and dropped; a throwing listener is logged. Never throws.
 */
export class CallAudio implements CallAudioPort {
  readonly jitter = new JitterBuffer();
  /** Frames handed to the recorder and listeners (one per 20 ms tick). */
  ticks = 0;
  private readonly listeners = new Set<(frame: Int16Array) => void>();
  private queued: Int16Array[] = [];
  private promptAt = 0;
  private musicAt = 0;
  private held = false;
  private warnedLength = false;
  private closed = false;
  private rate: AudioRate | undefined;
  private readonly maxRate: AudioRate;
  private silence = new Int16Array(frameSamples(PCM_RATE));
  private recorder: WavRecorder | undefined;
  /** A recording asked for before the rate was fixed: opened once it is. */
  private openRecorder: ((sampleRate: AudioRate) => WavRecorder) | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly sources: CallAudioSources = {},
    options: CallAudioOptions = {},
  ) {
    this.maxRate = options.maxSampleRate ?? WIDEBAND_RATE;
  }

  /** The call's audio rate in Hz: 8000 until `fixRate` (or the first tick) settles it, then fixed. */
  get sampleRate(): AudioRate {
    return this.rate ?? PCM_RATE;
  }

  /** Samples in one 20 ms frame at `sampleRate` (160 or 320). */
  get frameSamples(): number {
    return frameSamples(this.sampleRate);
  }

  /** Whether the rate is settled (a codec was agreed or the clock ticked). */
  get rateFixed(): boolean {
    return this.rate !== undefined;
  }

  /**
   * Settles the call's audio rate from its first agreed codec (`audioRateOf`), capped at
   * `maxSampleRate`; once settled it never changes, and the settled rate is returned.
   */
  fixRate(rate: AudioRate): AudioRate {
    if (this.rate !== undefined) return this.rate;
    this.rate = rate > this.maxRate ? this.maxRate : rate;
    const samples = frameSamples(this.rate);
    this.silence = new Int16Array(samples);
    // Frames the host queued before the rate was known are kept only if they have its length.
    this.queued = this.queued.filter((frame) => frame.length === samples);
    const open = this.openRecorder;
    this.openRecorder = undefined;
    if (open && !this.closed) this.recorder = open(this.rate);
    return this.rate;
  }

  onReceive(listener: (frame: Int16Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(frame: Int16Array): void {
    if (this.closed) return;
    const expected = this.frameSamples;
    if (!(frame instanceof Int16Array) || frame.length !== expected) {
      if (!this.warnedLength)
        this.logger.log('warn', 'call audio: dropped frames of the wrong length', {
          expected,
          sampleRate: this.sampleRate,
          got: (frame as { length?: number })?.length,
        });
      this.warnedLength = true;
      return;
    }
    this.queued.push(frame);
    if (this.queued.length > MAX_QUEUED) this.queued.shift();
  }

  /**
   * Starts recording both directions (from the next tick) into the recorder `open` makes for the
   * call's rate — now, or once the rate is settled; a recorder already set is closed.
   */
  record(open: (sampleRate: AudioRate) => WavRecorder): void {
    if (this.closed) return;
    this.recorder?.close();
    this.recorder = undefined;
    if (this.rate === undefined) this.openRecorder = open;
    else this.recorder = open(this.rate);
  }

  /** The recording's path, while one is set. */
  get recordingPath(): string | undefined {
    return this.recorder?.path;
  }

  /** Whether a recording was written (its file exists with audio in it). */
  get recorded(): boolean {
    return this.recorder?.wroteAudio ?? false;
  }

  /** Whether we hold the call (hold music plays instead of the rest). */
  setHeld(held: boolean): void {
    this.held = held;
    this.musicAt = 0;
  }

  /** A decoded frame of the far end (`frameSamples` long) with its unwrapped frame number. */
  receive(index: number, frame: Int16Array): void {
    if (!this.closed) this.jitter.push(index, frame);
  }

  /** One 20 ms step of the media clock: plays out one received frame and returns the frame to send. */
  tick(): Int16Array {
    if (this.rate === undefined) this.fixRate(PCM_RATE);
    this.ticks++;
    const pulled: Pulled = this.jitter.pull();
    const local = this.nextLocal();
    this.recorder?.write(local, pulled?.frame);
    if (this.listeners.size > 0) {
      for (const listener of this.listeners) {
        try {
          listener(pulled ? pulled.frame.slice() : new Int16Array(this.silence.length));
        } catch (error) {
          this.logger.log('warn', 'call audio listener failed', { error: (error as Error).message });
        }
      }
    }
    return local;
  }

  /** Ends recording; frames sent after this are ignored. Idempotent. */
  close(): void {
    this.closed = true;
    this.openRecorder = undefined;
    this.listeners.clear();
    this.recorder?.close();
  }

  private nextLocal(): Int16Array {
    const sent = this.queued.shift();
    if (sent) return sent;
    const samples = this.silence.length;
    const music = this.sources.holdMusic?.get(this.sampleRate);
    if (this.held && music) {
      const frame = loopSlice(music, this.musicAt, samples);
      this.musicAt = (this.musicAt + samples) % music.length;
      return frame;
    }
    const prompt = this.sources.prompt?.get(this.sampleRate);
    if (prompt && this.promptAt < prompt.length) {
      const frame = new Int16Array(samples);
      frame.set(prompt.subarray(this.promptAt, this.promptAt + samples));
      this.promptAt += samples;
      return frame;
    }
    return this.silence;
  }
}

/** `samples` samples of `pcm` from `at`, wrapping to its start. */
function loopSlice(pcm: Int16Array, at: number, samples: number): Int16Array {
  const frame = new Int16Array(samples);
  for (let i = 0; i < samples; i++) frame[i] = pcm[(at + i) % pcm.length]!;
  return frame;
}

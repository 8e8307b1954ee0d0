import type { Logger } from '@callhook/core';
import type { CallAudioPort } from './call-audio-port.js';
import { FRAME_SAMPLES, PCM_RATE } from './codec.js';
import { JitterBuffer, type Pulled } from './jitter-buffer.js';
import type { WavRecorder } from './wav-recorder.js';

/** Frames `send()` may queue ahead of the media clock (200 ms); older ones are dropped. */
const MAX_QUEUED = 10;
const SILENCE = new Int16Array(FRAME_SAMPLES);

/** What a call plays when the host sends nothing: a prompt once when answered, music while held. */
export interface CallAudioSources {
  /** Played once from the start of the media (`line.media.play`). */
  prompt?: Int16Array | undefined;
  /** Looped while we hold the call (`line.media.holdMusic`). */
  holdMusic?: Int16Array | undefined;
}

/**
 * The audio of one call, driven by the media clock (`tick()` every 20 ms): it takes the far end's
 * decoded frames into a `JitterBuffer`, hands each played-out frame to the `onReceive` listeners and
 * the recorder, and picks the frame to send: what the host `send()`s, else hold music while held,
 * else the prompt until it ends, else silence (so a PBX never times the call out).
 * Bad frames from the host (wrong length) are logged and dropped; a throwing listener is logged. Never throws.
 */
export class CallAudio implements CallAudioPort {
  readonly sampleRate = PCM_RATE;
  readonly jitter = new JitterBuffer();
  /** Frames handed to the recorder and listeners (one per 20 ms tick). */
  ticks = 0;
  private readonly listeners = new Set<(frame: Int16Array) => void>();
  private readonly queued: Int16Array[] = [];
  private promptAt = 0;
  private musicAt = 0;
  private held = false;
  private warnedLength = false;
  private closed = false;
  private recorder: WavRecorder | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly sources: CallAudioSources = {},
  ) {}

  onReceive(listener: (frame: Int16Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(frame: Int16Array): void {
    if (this.closed) return;
    if (!(frame instanceof Int16Array) || frame.length !== FRAME_SAMPLES) {
      if (!this.warnedLength)
        this.logger.log('warn', 'call audio: dropped frames of the wrong length', { expected: FRAME_SAMPLES, got: (frame as { length?: number })?.length });
      this.warnedLength = true;
      return;
    }
    this.queued.push(frame);
    if (this.queued.length > MAX_QUEUED) this.queued.shift();
  }

  /** Starts recording both directions (from the next tick); a recorder already set is closed. */
  record(recorder: WavRecorder): void {
    if (this.closed) return recorder.close();
    this.recorder?.close();
    this.recorder = recorder;
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

  /** A decoded frame of the far end with its unwrapped frame number. */
  receive(index: number, frame: Int16Array): void {
    if (!this.closed) this.jitter.push(index, frame);
  }

  /** One 20 ms step of the media clock: plays out one received frame and returns the frame to send. */
  tick(): Int16Array {
    this.ticks++;
    const pulled: Pulled = this.jitter.pull();
    const local = this.nextLocal();
    this.recorder?.write(local, pulled?.frame);
    if (this.listeners.size > 0) {
      for (const listener of this.listeners) {
        try {
          listener(pulled ? pulled.frame.slice() : new Int16Array(FRAME_SAMPLES));
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
    this.listeners.clear();
    this.recorder?.close();
  }

  private nextLocal(): Int16Array {
    const sent = this.queued.shift();
    if (sent) return sent;
    const music = this.sources.holdMusic;
    if (this.held && music) {
      const frame = loopSlice(music, this.musicAt);
      this.musicAt = (this.musicAt + FRAME_SAMPLES) % music.length;
      return frame;
    }
    const prompt = this.sources.prompt;
    if (prompt && this.promptAt < prompt.length) {
      const frame = new Int16Array(FRAME_SAMPLES);
      frame.set(prompt.subarray(this.promptAt, this.promptAt + FRAME_SAMPLES));
      this.promptAt += FRAME_SAMPLES;
      return frame;
    }
    return SILENCE;
  }
}

/** `FRAME_SAMPLES` samples of `pcm` from `at`, wrapping to its start. */
function loopSlice(pcm: Int16Array, at: number): Int16Array {
  const frame = new Int16Array(FRAME_SAMPLES);
  for (let i = 0; i < FRAME_SAMPLES; i++) frame[i] = pcm[(at + i) % pcm.length]!;
  return frame;
}

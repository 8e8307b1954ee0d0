import type { Logger } from '@callhook/core';
import {
  countDrop,
  emptyWireStats,
  frameSamples,
  isBinary,
  MAX_SAMPLE_RATE,
  MIN_SAMPLE_RATE,
  readFrame,
  type AudioControl,
  type WireStats,
} from '@callhook/ui/audio-wire';
import type { CallAudioPort } from './call-audio-port.js';
import type { AudioPortMain } from './electron-ports.js';

/** Why a connected call gets no audio in the console. */
export const NO_AUDIO_ON_LINE = 'no audio on this line';

/**
 * Main's end of one renderer's audio port, attached to at most one call's `CallAudioPort` at a
 * time: renderer frames go to `send`, the line's frames go to the renderer. Every message from the
 * renderer is checked (an `Int16Array` of exactly 20 ms at the call's rate); anything else is
 * dropped, counted in `stats()` and logged (the first, then every 100th), never thrown.
 */
export interface AudioLink {
  /** Carries `call`'s audio from now on (detaching any other). */
  attach(call: string, audio: CallAudioPort): void;
  /** Tells the renderer `call` is connected without audio, and why. */
  unavailable(call: string, reason: string): void;
  /** Stops carrying audio (the call ended, is on hold, or another took its place). */
  detach(): void;
  stats(): WireStats;
  /** Detaches and closes the port. */
  close(): void;
}

const LOG_EVERY = 100;

export function createAudioLink(port: AudioPortMain, logger: Logger): AudioLink {
  const stats = emptyWireStats();
  let current: { call: string; audio: CallAudioPort; samples: number; unsubscribe: () => void } | null = null;
  /** The call the renderer was last told about (attached or unavailable), so detach can clear it. */
  let announced: string | null = null;
  let closed = false;
  let lineFramesDropped = 0;

  const drop = (reason: Parameters<typeof countDrop>[1], detail: string) => {
    countDrop(stats, reason);
    if (stats.dropped === 1 || stats.dropped % LOG_EVERY === 0) {
      logger.log('warn', `desktop audio: dropped a message from the console (${detail}); ${stats.dropped} dropped so far`, {
        droppedBy: { ...stats.droppedBy },
      });
    }
  };

  const onMessage = (event: { data: unknown }) => {
    const data = event.data;
    if (!current) return drop(isBinary(data) ? 'no_call' : 'not_a_frame', 'no call is attached');
    const frame = readFrame(data, current.samples);
    if (typeof frame === 'string') return drop(frame, frame === 'wrong_size' ? `a frame must have ${current.samples} samples` : 'not a PCM frame');
    stats.framesIn += 1;
    try {
      current.audio.send(frame);
    } catch (error) {
      logger.log('warn', `desktop audio: the line refused a frame: ${String(error)}`);
    }
  };

  const post = (message: AudioControl | Int16Array) => {
    if (!closed) port.postMessage(message);
  };

  const detach = () => {
    current?.unsubscribe();
    current = null;
    if (announced === null) return;
    const call = announced;
    announced = null;
    post({ type: 'detach', call });
  };

  port.on('message', onMessage);
  port.on('close', () => {
    closed = true;
    detach();
  });
  port.start();

  return {
    attach(call, audio) {
      detach();
      const rate = audio.sampleRate;
      if (!Number.isInteger(rate) || rate < MIN_SAMPLE_RATE || rate > MAX_SAMPLE_RATE) {
        logger.log('warn', `desktop audio: call ${call} has audio at ${rate} Hz, outside ${MIN_SAMPLE_RATE}–${MAX_SAMPLE_RATE} Hz`);
        post({ type: 'unavailable', call, reason: `unsupported sample rate ${rate} Hz` });
        announced = call;
        return;
      }
      const samples = frameSamples(rate);
      const unsubscribe = audio.onReceive((frame) => {
        if (!(frame instanceof Int16Array) || frame.length !== samples) {
          if (lineFramesDropped++ % LOG_EVERY === 0) logger.log('warn', `desktop audio: the line sent a frame that is not ${samples} Int16 samples; dropped`);
          return;
        }
        stats.framesOut += 1;
        post(frame);
      });
      current = { call, audio, samples, unsubscribe };
      announced = call;
      post({ type: 'attach', call, sampleRate: rate });
    },
    unavailable(call, reason) {
      detach();
      post({ type: 'unavailable', call, reason });
      announced = call;
    },
    detach,
    stats: () => ({ ...stats, droppedBy: { ...stats.droppedBy } }),
    close() {
      detach();
      closed = true;
      port.removeListener('message', onMessage);
      port.close();
    },
  };
}

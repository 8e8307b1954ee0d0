import * as z from 'zod';

/**
 * The desktop's audio wire: what crosses the MessagePort between the renderer and the main process,
 * and the IPC channels that set it up. No DOM, no React: the preload and the main process import it
 * as `@callhook/ui/audio-wire`.
 *
 * Frames are `Int16Array`s of 16-bit signed mono PCM, 20 ms each at the call's sample rate (160
 * samples at 8 kHz, 320 at 16 kHz, 960 at 48 kHz), in both directions. Main also sends control
 * messages (`AudioControl`). Everything else is dropped and counted by whoever receives it.
 */

export { FRAME_MS, frameSamples } from './frame-size.js';
/** The sample rates a call's audio may have, in Hz (inclusive bounds). */
export const MIN_SAMPLE_RATE = 8_000;
export const MAX_SAMPLE_RATE = 48_000;

export { AUDIO_CHANNELS, AUDIO_PORT_MESSAGE } from './audio-channels.js';

/** Longest device id accepted (Chromium's are 64 hex characters). */
const DEVICE_ID_MAX = 512;

/** The chosen audio devices (`MediaDeviceInfo.deviceId`); null is the system default. Saved in the desktop prefs. */
export const AudioDevicesSchema = z.strictObject({
  input: z.string().min(1).max(DEVICE_ID_MAX).nullable().default(null),
  output: z.string().min(1).max(DEVICE_ID_MAX).nullable().default(null),
});
export type AudioDevices = z.output<typeof AudioDevicesSchema>;

const callId = z.string().min(1).max(200);

/**
 * Control messages, main → renderer:
 * - `attach`: the call `call` now carries audio at `sampleRate` Hz; start capture and playback.
 * - `detach`: stop (the call ended, went on hold, or another call took the audio).
 * - `unavailable`: the call is connected but its line carries no audio; `reason` is shown.
 */
export const AudioControlSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('attach'), call: callId, sampleRate: z.int().min(MIN_SAMPLE_RATE).max(MAX_SAMPLE_RATE) }),
  z.strictObject({ type: z.literal('detach'), call: callId }),
  z.strictObject({ type: z.literal('unavailable'), call: callId, reason: z.string().max(200) }),
]);
export type AudioControl = z.output<typeof AudioControlSchema>;

/** Why a message was dropped. */
export type DropReason = 'not_a_frame' | 'wrong_size' | 'no_call' | 'bad_control';

/** Counters of one end of the wire; dropped messages are counted by reason. */
export interface WireStats {
  framesIn: number;
  framesOut: number;
  dropped: number;
  droppedBy: Record<DropReason, number>;
}

export function emptyWireStats(): WireStats {
  return { framesIn: 0, framesOut: 0, dropped: 0, droppedBy: { not_a_frame: 0, wrong_size: 0, no_call: 0, bad_control: 0 } };
}

/** Counts one dropped message. */
export function countDrop(stats: WireStats, reason: DropReason): void {
  stats.dropped += 1;
  stats.droppedBy[reason] += 1;
}

/**
 * The frame in `data` when it is one of exactly `samples` samples, else why not. An `Int16Array` is
 * taken as is; an `ArrayBuffer` or `Uint8Array` of exactly `2 × samples` bytes (a structured clone
 * that flattened the view) is read as little-endian samples.
 */
export function readFrame(data: unknown, samples: number): Int16Array | Exclude<DropReason, 'no_call' | 'bad_control'> {
  if (data instanceof Int16Array) return data.length === samples ? data : 'wrong_size';
  if (data instanceof ArrayBuffer) return data.byteLength === samples * 2 ? new Int16Array(data.slice(0)) : 'wrong_size';
  if (data instanceof Uint8Array) return data.byteLength === samples * 2 ? new Int16Array(copyBytes(data)) : 'wrong_size';
  return 'not_a_frame';
}

/** The bytes of `view` in a fresh, aligned ArrayBuffer (a Node Buffer's `slice` would share its pool). */
function copyBytes(view: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(view.byteLength);
  copy.set(view);
  return copy.buffer;
}

/** Whether `data` looks like PCM bytes at all (so a frame of the wrong size is told from a bad control message). */
export function isBinary(data: unknown): boolean {
  return data instanceof ArrayBuffer || ArrayBuffer.isView(data);
}

/** The control message in `data`, or null when it is not a valid one. */
export function readControl(data: unknown): AudioControl | null {
  const parsed = AudioControlSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}

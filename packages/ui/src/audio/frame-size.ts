/** Length of one frame in milliseconds (both directions, every sample rate). */
export const FRAME_MS = 20;

/** Samples in one 20 ms frame at `sampleRate` Hz (160 at 8 kHz, 320 at 16 kHz, 960 at 48 kHz). */
export function frameSamples(sampleRate: number): number {
  return Math.round((sampleRate * FRAME_MS) / 1000);
}

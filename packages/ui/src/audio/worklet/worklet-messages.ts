/** The processors' names in the worklet module (`pcm-worklet.js`). */
export const CAPTURE_PROCESSOR = 'callhook-capture';
export const PLAYBACK_PROCESSOR = 'callhook-playback';

/** How often each processor reports its level, in ms. */
export const LEVEL_INTERVAL_MS = 100;
/** Playback buffer: at most this much audio is queued (older samples are dropped), in ms. */
export const PLAYOUT_CAPACITY_MS = 120;
/** Playback (re)starts once this much audio is queued, in ms. */
export const PLAYOUT_PREBUFFER_MS = 40;

/**
 * A processor's report to the page, every `LEVEL_INTERVAL_MS`: level of the audio it saw (capture:
 * the microphone before mute; playback: what it played), and the playback buffer's counters.
 */
export interface WorkletReport {
  type: 'level';
  /** 0..1 */
  rms: number;
  /** 0..1 */
  peak: number;
  underruns: number;
  overflowSamples: number;
}

/** Page → capture processor. */
export interface MuteMessage {
  type: 'mute';
  muted: boolean;
}

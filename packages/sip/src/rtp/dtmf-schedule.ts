import { dtmfEventCode, dtmfEventPayload } from './rtp-packet.js';

/** One 20 ms slot of an RFC 4733 event: which event, its payload, and whether it starts/ends one. */
export interface EventSlot {
  payload: Uint8Array;
  first: boolean;
  /** Timestamp units the event occupied, set on its last packet. */
  finishedDuration: number | undefined;
}

/**
 * Clock rate (Hz) of the telephone-event payload type callhook negotiates (`telephone-event/8000`,
 * RFC 4733 §7.1.1): event durations are in its units, whatever the voice codec's clock.
 */
export const EVENT_CLOCK_RATE = 8000;
/** One 20 ms slot in `EVENT_CLOCK_RATE` units. */
const STEP = (EVENT_CLOCK_RATE * 20) / 1000;
const TONE_STEPS = 5;
const END_REPEATS = 3;
const GAP_STEPS = 3;

/** Turns digits into 20 ms slots: 100 ms tone, three end packets (§2.5.1.4), then 60 ms of silence. */
export function dtmfSlots(digits: string): (EventSlot | 'gap')[] {
  const slots: (EventSlot | 'gap')[] = [];
  for (const digit of digits) {
    const event = dtmfEventCode(digit);
    if (event === undefined) continue;
    for (let step = 1; step <= TONE_STEPS; step++) {
      slots.push({ payload: dtmfEventPayload(event, false, step * STEP), first: step === 1, finishedDuration: undefined });
    }
    for (let repeat = 1; repeat <= END_REPEATS; repeat++) {
      const last = repeat === END_REPEATS;
      slots.push({ payload: dtmfEventPayload(event, true, TONE_STEPS * STEP), first: false, finishedDuration: last ? TONE_STEPS * STEP : undefined });
    }
    for (let gap = 0; gap < GAP_STEPS; gap++) slots.push('gap');
  }
  return slots;
}

export function isDtmfDigits(digits: string): boolean {
  return digits.length > 0 && [...digits].every((digit) => dtmfEventCode(digit) !== undefined);
}

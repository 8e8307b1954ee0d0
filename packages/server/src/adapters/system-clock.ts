import type { Clock, TimerHandle } from '@callhook/core';

/** Wall-clock time and Node timers behind core's Clock port. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle: TimerHandle) => clearTimeout(handle as NodeJS.Timeout),
};

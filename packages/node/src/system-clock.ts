import type { Clock, TimerHandle } from '@callhook/core';

/**
 * The project's one real clock: wall time (`Date.now()`) and Node timers behind core's Clock port.
 *
 * Every timer is unref'd: a pending retry, backoff or timeout never keeps the process alive on its
 * own. Whatever must keep it running (a listening socket, a SIP transport, the CLI's `serve`) holds
 * the event loop itself, so a process whose work is done exits without first cancelling its timers.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer = setTimeout(callback, delayMs);
    timer.unref();
    return timer;
  },
  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

import { CallhookError, type Clock, type TimerHandle } from '@callhook/core';

/** Bounds a command on `clock`: sip.js does not always settle a request's promise when the peer never answers. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string, clock: Clock): Promise<T> {
  let timer: TimerHandle | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => reject(new CallhookError('line_error', `${what}: no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => timer !== undefined && clock.clearTimeout(timer));
}

/** Resolves after `ms` on `clock` (the system clock's timers never keep the process alive). */
export function delay(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

import type { Clock, Logger, TimerHandle } from '@callhook/core';

/** How many rows one retention pass removed. */
export interface RetentionResult {
  calls: number;
  deliveries: number;
}

/**
 * What a journal implements to honour `journal.keepDays`: remove call-history and delivery-log rows
 * older than `before` (epoch ms); the outbox (deliveries still to send) is never touched.
 */
export interface Retainable {
  removeOlderThan(before: number): Promise<RetentionResult>;
}

export const DAY_MS = 86_400_000;
/** How often retention runs: once at start, then hourly. */
export const RETENTION_EVERY_MS = 3_600_000;

export interface RetentionOptions {
  journal: Retainable;
  /** Read at every pass, so a settings change applies at the next one. */
  keepDays: () => number;
  clock: Clock;
  logger: Logger;
  everyMs?: number;
}

/**
 * Runs retention at once and then every `everyMs` on the injected clock; a pass that fails is logged
 * and the next one tries again. Returns `stop`, which cancels the next pass.
 */
export function scheduleRetention({ journal, keepDays, clock, logger, everyMs = RETENTION_EVERY_MS }: RetentionOptions): { stop(): void } {
  let timer: TimerHandle | null = null;
  let stopped = false;
  const pass = async () => {
    const days = keepDays();
    try {
      const removed = await journal.removeOlderThan(clock.now() - days * DAY_MS);
      if (removed.calls + removed.deliveries > 0) {
        logger.log('info', `journal: removed ${removed.calls} calls and ${removed.deliveries} delivery records older than ${days} days (journal.keepDays)`);
      }
    } catch (error) {
      if (!stopped) logger.log('warn', `journal: could not remove rows older than ${days} days: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!stopped) timer = clock.setTimeout(() => void pass(), everyMs);
  };
  void pass();
  return {
    stop() {
      stopped = true;
      if (timer !== null) clock.clearTimeout(timer);
    },
  };
}

import type { LogLevel, Logger } from '@callhook/core';
import { waitFor } from '@callhook/test-support';
import { CstaSession, type CstaEvent, type CstaSessionDeps, type CstaSessionOptions, type CstaSessionStatus } from '../../../src/index.js';
import type { FakeCstaPhone } from './fake-csta-phone.js';

/** A logger that keeps every line, for asserting what was logged. */
export class RecordingLogger implements Logger {
  readonly lines: { level: LogLevel; message: string; fields: Record<string, unknown> | undefined }[] = [];
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level, message, fields });
  }
  has(message: string): boolean {
    return this.lines.some((line) => line.message.includes(message));
  }
}

/** A CstaSession aimed at a fake phone, with everything it reports recorded. */
export interface SessionUnderTest {
  session: CstaSession;
  events: CstaEvent[];
  statuses: CstaSessionStatus[];
  logger: RecordingLogger;
  /** Waits until the session reports `state` (and, if given, the check holds for that status). */
  waitForState(state: CstaSessionStatus['state'], what?: string, occurrences?: number): Promise<CstaSessionStatus>;
  waitForEvents(count: number): Promise<void>;
}

/**
 * Starts a session on loopback towards `phone` (short timeouts, fast re-open) and registers its
 * stop in `cleanups`, so it is stopped even when the test fails.
 */
export async function startSession(
  phone: FakeCstaPhone,
  cleanups: (() => unknown)[],
  options: Partial<CstaSessionOptions> = {},
  deps: CstaSessionDeps = {},
): Promise<SessionUnderTest> {
  const logger = new RecordingLogger();
  const session = new CstaSession(
    {
      phoneUri: phone.uri,
      device: phone.device,
      bindAddress: '127.0.0.1',
      requestTimeoutMs: 5_000,
      connectTimeoutMs: 5_000,
      keepAliveMs: 0,
      reconnectInitialMs: 50,
      reconnectMaxMs: 400,
      ...options,
    },
    { logger, ...deps },
  );
  const events: CstaEvent[] = [];
  const statuses: CstaSessionStatus[] = [];
  session.onEvent((event) => events.push(event));
  session.onStatus((status) => statuses.push(status));
  cleanups.push(() => session.stop());
  await session.start();
  return {
    session,
    events,
    statuses,
    logger,
    async waitForState(state, what = state, occurrences = 1) {
      await waitFor(() => statuses.filter((status) => status.state === state).length >= occurrences, `CSTA session ${what}`, 15_000);
      return statuses.filter((status) => status.state === state)[occurrences - 1]!;
    },
    async waitForEvents(count) {
      await waitFor(() => events.length >= count, `${count} CSTA event(s)`, 10_000);
    },
  };
}

/** Runs the cleanups in reverse order, each even if an earlier one failed. */
export async function runCleanups(cleanups: (() => unknown)[]): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch {
      // the next cleanup still runs
    }
  }
}

import { afterEach } from 'vitest';
import { createSipLine, SipLineSchema, type SipLine, type SipLineDeps } from '../../src/index.js';
import { EventRecorder } from './event-recorder.js';
import { startSipp, uacArgs, type SippRun, type UacOptions } from './sipp.js';

/** Registers an `afterEach` that runs what was deferred, last first; returns the function that defers. */
export function cleanupAfterEach(): (cleanup: () => unknown) => void {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return (cleanup) => void cleanups.push(cleanup);
}

export interface LineUnderTest {
  line: SipLine;
  events: EventRecorder;
  /** `127.0.0.1:<port>` the line listens on, for sipp to call. */
  target: string;
}

/**
 * Creates the SIP line `sip:303@127.0.0.1` with `settings` over the defaults, records its events, starts it
 * (listening once this resolves) and defers its stop, so it is stopped also when the test fails.
 */
export async function startTestLine(
  defer: (cleanup: () => unknown) => void,
  settings: Record<string, unknown> = {},
  deps?: SipLineDeps,
): Promise<LineUnderTest> {
  const line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', ...settings }), deps);
  const events = new EventRecorder(line);
  defer(() => line.stop());
  await line.start();
  return { line, events, target: `127.0.0.1:${line.localAddress!.port}` };
}

/** Starts sipp as a UAC against `target` (see `uacArgs`) and defers killing it, so it is stopped also on failure. */
export async function startUac(defer: (cleanup: () => unknown) => void, target: string, options: UacOptions = {}): Promise<SippRun> {
  const run = startSipp(await uacArgs(target, options));
  defer(() => run.kill());
  return run;
}

import { SipLineSchema } from '../../src/index.js';
import { createSipLine, type SipLine } from '../../src/index.js';
import { EventRecorder } from './event-recorder.js';
import { freePort } from './free-port.js';
import { startSipp, type SippRun } from './sipp.js';
import { sleep } from '@callhook/test-support';
import { waitForTcp } from './wait.js';

export interface UasSession {
  line: SipLine;
  events: EventRecorder;
  sipp: SippRun;
  target: string;
  /** Waits for sipp to finish; throws with its output unless it exited 0. */
  sippPassed(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a sipp UAS on a free port with a scenario file and a started line without registrar (`settings` over the defaults). */
export async function withSippUas(transport: 'udp' | 'tcp', scenarioFile: string, settings: Record<string, unknown> = {}): Promise<UasSession> {
  const port = await freePort();
  const sipp = startSipp(
    ['-sf', scenarioFile, '-p', String(port), '-i', '127.0.0.1', '-m', '1', '-timeout', '15s', '-timeout_error', ...(transport === 'tcp' ? ['-t', 't1'] : [])],
    20_000,
  );
  if (transport === 'tcp') await waitForTcp(port);
  else await sleep(200);
  const line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', transport, displayName: 'Desk', ...settings }));
  const events = new EventRecorder(line);
  await line.start();
  return {
    line,
    events,
    sipp,
    target: `sip:sipp@127.0.0.1:${port}`,
    async sippPassed() {
      const result = await sipp.done;
      if (result.code !== 0) throw new Error(`sipp exited ${result.code}\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
    },
    async close() {
      sipp.kill();
      await Promise.all([sipp.done, line.stop()]);
    },
  };
}

import { lineConformanceCases, type LineUnderTest, type RemoteDriver } from '@callhook/core/conformance';
import { describe, it } from 'vitest';
import { createSipLine, SipLineSchema } from '../src/index.js';
import { freePort } from './support/free-port.js';
import { mediaSink } from './support/media-sink.js';
import { scenario } from './support/scenario.js';
import { startSipp, type SippRun } from './support/sipp.js';
import { sleep } from '@callhook/test-support';

/** The SIP line (no registrar) with sipp as the remote: a UAS scenario for our calls, sipp's built-in uac for calls in. */
async function sipUnderTest(): Promise<LineUnderTest> {
  const line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', displayName: 'Desk' }));
  const runs: SippRun[] = [];
  const sinks: { close(): void }[] = [];
  const remote: RemoteDriver = {
    async expectCall({ hangUpAfterMs, reoffers }) {
      const sink = await mediaSink();
      sinks.push(sink);
      const port = await freePort();
      const steps = [...(reoffers ? ['step-answer-reinvites.xml'] : []), hangUpAfterMs === null ? 'step-wait-bye.xml' : 'step-send-bye.xml'];
      const file = scenario('uas-answer.xml', { MEDIA_PORT: sink.port, CODECS: '0 101' }, steps);
      runs.push(startSipp(['-sf', file, '-p', String(port), '-i', '127.0.0.1', '-m', '1', '-timeout', '15s', '-timeout_error'], 20_000));
      await sleep(200);
      return `sip:sipp@127.0.0.1:${port}`;
    },
    async callIn({ hangUpAfterMs }) {
      const own = await freePort();
      const local = line.localAddress!;
      runs.push(
        startSipp(
          [
            '-sn',
            'uac',
            `127.0.0.1:${local.port}`,
            '-s',
            '303',
            '-i',
            '127.0.0.1',
            '-p',
            String(own),
            '-m',
            '1',
            '-d',
            String(hangUpAfterMs),
            '-timeout',
            '15s',
            '-timeout_error',
          ],
          20_000,
        ),
      );
      return { remoteParty: 'sipp' };
    },
    async finished() {
      for (const run of runs) {
        const result = await run.done;
        if (result.code !== 0) throw new Error(`sipp exited ${result.code}\n${result.stdout.slice(-600)}\n${result.stderr.slice(-600)}`);
      }
    },
  };
  return {
    line,
    remote,
    async close() {
      for (const run of runs) run.kill();
      await Promise.all([...runs.map((run) => run.done), line.stop()]);
      for (const sink of sinks) sink.close();
    },
  };
}

describe('the SIP line keeps the Line contract (sipp as the remote)', () => {
  for (const c of lineConformanceCases(sipUnderTest, { sleep: async (ms) => void (await sleep(ms)), timeoutMs: 15_000 })) {
    it(c.name, c.run, 40_000);
  }
});

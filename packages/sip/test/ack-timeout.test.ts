import { SipLineSchema } from '../src/index.js';
import { afterAll, describe, expect, it } from 'vitest';
import { createSipLine } from '../src/index.js';
import { EventRecorder } from './support/event-recorder.js';
import { freePort } from './support/free-port.js';
import { fixture, startSipp } from './support/sipp.js';
import { sleep } from '@callhook/test-support';

// docs/sip-in-node.md §3, fixed by patches/sip.js@0.21.2.patch: without the patch the ACK timer throws
// 32 s after the BYE and the uncaught error fails this run.
describe('BYE before the ACK of our 200 (sip.js ACK timeout on a terminated session)', () => {
  const line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', autoAnswer: true }));
  const events = new EventRecorder(line);
  afterAll(async () => {
    await line.stop();
  });

  it('survives the ACK timeout and keeps taking calls', async () => {
    await line.start();
    const target = `127.0.0.1:${line.localAddress!.port}`;
    const sipp = startSipp([
      '-sf',
      fixture('uac-bye-without-ack.xml'),
      target,
      '-s',
      '303',
      '-i',
      '127.0.0.1',
      '-p',
      String(await freePort()),
      '-m',
      '1',
      '-timeout',
      '10s',
      '-timeout_error',
    ]);
    expect((await sipp.done).code).toBe(0);
    expect(await events.waitFor('ended')).toMatchObject({ by: 'remote', cause: 'normal' });
    await sleep(33_000);
    expect(line.status().state).toBe('ready');
    const again = startSipp([
      '-sn',
      'uac',
      target,
      '-s',
      '303',
      '-i',
      '127.0.0.1',
      '-p',
      String(await freePort()),
      '-m',
      '1',
      '-timeout',
      '10s',
      '-timeout_error',
    ]);
    expect((await again.done).code).toBe(0);
  }, 60_000);
});

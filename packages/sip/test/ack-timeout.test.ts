import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, startTestLine, startUac } from './support/sip-line-under-sipp.js';
import { fixture } from './support/sipp.js';
import { sleep } from '@callhook/test-support';

// docs/sip-in-node.md §3, fixed by patches/sip.js@0.21.2.patch: without the patch the ACK timer throws
// 32 s after the BYE and the uncaught error fails this run.
describe('BYE before the ACK of our 200 (sip.js ACK timeout on a terminated session)', () => {
  const defer = cleanupAfterEach();

  it('survives the ACK timeout and keeps taking calls', async () => {
    const { line, events, target } = await startTestLine(defer, { autoAnswer: true });
    const sipp = await startUac(defer, target, { scenario: ['-sf', fixture('uac-bye-without-ack.xml')] });
    expect((await sipp.done).code).toBe(0);
    expect(await events.waitFor('ended')).toMatchObject({ by: 'remote', cause: 'normal' });
    await sleep(33_000);
    expect(line.status().state).toBe('ready');
    const again = await startUac(defer, target);
    expect((await again.done).code).toBe(0);
  }, 60_000);
});

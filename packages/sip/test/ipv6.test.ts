import { SipLineSchema } from '../src/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createSipLine, type SipLine } from '../src/index.js';
import { EventRecorder } from './support/event-recorder.js';
import { freePort } from './support/free-port.js';
import { scenario } from './support/scenario.js';
import { startSipp } from './support/sipp.js';
import { sleep } from '@callhook/test-support';
import { waitForTcp } from './support/wait.js';

describe.each(['udp', 'tcp'] as const)('IPv6 loopback over %s', (transport) => {
  let line: SipLine | undefined;
  afterEach(async () => {
    await line?.stop();
  });

  it('takes a sipp call on [::1] and answers it', async () => {
    line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@[::1]', transport, bindAddress: '::1', autoAnswer: true }));
    const events = new EventRecorder(line);
    await line.start();
    expect(line.status().detail).toMatch(/\[::1\]:\d+$/);
    const sipp = startSipp([
      '-sn',
      'uac',
      `[::1]:${line.localAddress!.port}`,
      '-s',
      '303',
      '-i',
      '::1',
      '-p',
      String(await freePort('::1')),
      '-m',
      '1',
      '-timeout',
      '10s',
      '-timeout_error',
      ...(transport === 'tcp' ? ['-t', 't1'] : []),
    ]);
    const result = await sipp.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    await events.waitFor('ended');
    expect(events.types().filter((type) => !type.startsWith('status'))).toEqual(['incoming', 'answered', 'ended:remote:normal']);
  });

  it('calls a sipp uas on [::1] and hangs up', async () => {
    const port = await freePort('::1');
    // The built-in uas lingers 4 s after the call (timewait); this scenario ends at the BYE.
    const answering = startSipp([
      '-sf',
      scenario('uas-answer.xml', { MEDIA_PORT: 9, CODECS: '0' }, ['step-wait-bye.xml']),
      '-p',
      String(port),
      '-i',
      '::1',
      '-m',
      '1',
      '-timeout',
      '10s',
      '-timeout_error',
      ...(transport === 'tcp' ? ['-t', 't1'] : []),
    ]);
    if (transport === 'tcp') await waitForTcp(port, 5_000, '::1');
    else await sleep(300);
    line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@[::1]', transport, bindAddress: '::1' }));
    const events = new EventRecorder(line);
    await line.start();
    await line.execute({ type: 'make_call', callId: 'v6', target: `sip:sipp@[::1]:${port}` });
    await events.waitFor('answered');
    await line.execute({ type: 'hangup', lineCallId: 'v6' });
    const result = await answering.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(events.types('v6')).toEqual(['outgoing', 'alerting', 'answered', 'ended:local:normal']);
  });
});

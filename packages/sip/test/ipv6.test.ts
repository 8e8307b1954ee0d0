import { SipLineSchema } from '@callhook/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createSipLine, type SipLine } from '../src/index.js';
import { EventRecorder } from './support/event-recorder.js';
import { freePort } from './support/free-port.js';
import { startSipp } from './support/sipp.js';

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
    const sipp = startSipp(['-sn', 'uac', `[::1]:${line.localAddress!.port}`, '-s', '303', '-i', '::1', '-p', String(await freePort('::1')), '-m', '1', '-timeout', '10s', '-timeout_error', ...(transport === 'tcp' ? ['-t', 't1'] : [])]);
    const result = await sipp.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    await events.waitFor('ended');
    expect(events.types().filter((type) => !type.startsWith('status'))).toEqual(['incoming', 'answered', 'ended:remote:normal']);
  });
});

import { SipLineSchema } from '@callhook/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createSipLine, type SipLine } from '../src/index.js';
import { EventRecorder } from './support/event-recorder.js';
import { freePort } from './support/free-port.js';
import { startSipp } from './support/sipp.js';

describe.each(['udp', 'tcp'] as const)('sipp uac → callhook over %s, no registrar', (transport) => {
  let line: SipLine | undefined;
  afterEach(async () => {
    await line?.stop();
  });

  it('auto-answers full calls and sees the remote hang up', async () => {
    line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', transport, autoAnswer: true, displayName: 'Desk' }));
    const events = new EventRecorder(line);
    await line.start();
    expect(line.status()).toMatchObject({ state: 'ready' });
    const port = line.localAddress!.port;
    const sippPort = await freePort();
    const sipp = startSipp(['-sn', 'uac', `127.0.0.1:${port}`, '-s', '303', '-i', '127.0.0.1', '-p', String(sippPort), '-m', '3', '-r', '10', '-d', '300', '-timeout', '20s', '-timeout_error', ...(transport === 'tcp' ? ['-t', 't1'] : [])]);
    const result = await sipp.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const incoming = await events.waitFor('incoming');
    expect(incoming).toMatchObject({ remoteParty: 'sipp', localParty: 'sip:303@127.0.0.1', localName: 'Desk' });
    expect(events.types(incoming.lineCallId)).toEqual(['incoming', 'answered', 'ended:remote:normal']);
    expect(events.events.filter((event) => event.type === 'answered')).toHaveLength(3);
  });
});

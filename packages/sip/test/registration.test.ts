import { SipLineSchema } from '@callhook/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSipLine } from '../src/index.js';
import { EventRecorder } from './support/event-recorder.js';
import { startKamailio, type Kamailio } from './support/kamailio.js';

let kamailio: Kamailio;
beforeAll(async () => {
  kamailio = await startKamailio();
});
afterAll(async () => {
  await kamailio?.stop();
});

describe.each(['udp', 'tcp'] as const)('registration at kamailio over %s', (transport) => {
  it('registers with digest, reports ready, and unregisters on stop', async () => {
    const line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', password: 'secret', registrar: kamailio.address, transport, registerExpires: 60 }));
    const events = new EventRecorder(line);
    await line.start();
    const ready = await events.waitFor('status', (event) => ['ready', 'failed'].includes(event.status.state));
    expect(ready.status).toEqual({ state: 'ready', detail: `registered at ${kamailio.address}` });
    await line.stop();
    expect(events.types()).toEqual(['status:starting', 'status:registering', 'status:ready', 'status:unregistered', 'status:stopped']);
  });

  it('reports a refused registration as failed with the status code', async () => {
    const line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:304@127.0.0.1', password: 'wrong', registrar: kamailio.address, transport }));
    const events = new EventRecorder(line);
    await line.start();
    const failed = await events.waitFor('status', (event) => event.status.state === 'failed');
    expect(failed.status.detail).toMatch(/^401 from registrar/);
    await line.stop();
  });

  it('is refused 403 when the auth user is not the AOR user', async () => {
    const line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:305@127.0.0.1', authUser: 'other', password: 'secret', registrar: kamailio.address, transport }));
    const events = new EventRecorder(line);
    await line.start();
    const failed = await events.waitFor('status', (event) => event.status.state === 'failed');
    expect(failed.status.detail).toMatch(/^403 from registrar/);
    await line.stop();
  });
});

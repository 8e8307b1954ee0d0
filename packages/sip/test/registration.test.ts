import { SipLineSchema } from '../src/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSipLine } from '../src/index.js';
import { EventRecorder } from './support/event-recorder.js';
import { freePort } from './support/free-port.js';
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
    const line = createSipLine(
      SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', password: 'secret', registrar: kamailio.address, transport, registerExpires: 60 }),
    );
    const events = new EventRecorder(line);
    await line.start();
    const ready = await events.waitFor('status', (event) => ['ready', 'failed'].includes(event.status.state));
    expect(ready.status).toEqual({ state: 'ready', detail: `registered at ${kamailio.address} over ${transport.toUpperCase()}` });
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
    const line = createSipLine(
      SipLineSchema.parse({ type: 'sip', aor: 'sip:305@127.0.0.1', authUser: 'other', password: 'secret', registrar: kamailio.address, transport }),
    );
    const events = new EventRecorder(line);
    await line.start();
    const failed = await events.waitFor('status', (event) => event.status.state === 'failed');
    expect(failed.status.detail).toMatch(/^403 from registrar/);
    await line.stop();
  });
});

describe('registration failures without a registrar answering', () => {
  it('reports an unreachable TCP registrar as failed', async () => {
    const line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', registrar: '127.0.0.1:9', transport: 'tcp' }));
    const events = new EventRecorder(line);
    await line.start();
    const failed = await events.waitFor('status', (event) => event.status.state === 'failed');
    expect(failed.status.detail).toBe('cannot reach registrar 127.0.0.1:9 over TCP');
    await line.stop();
    expect(events.types()).toEqual(['status:starting', 'status:registering', 'status:failed', 'status:stopped']);
  });

  it('fails a call to an unreachable TCP peer with cause failed', async () => {
    const line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', transport: 'tcp' }));
    const events = new EventRecorder(line);
    await line.start();
    await line.execute({ type: 'make_call', callId: 'c-unreachable', target: 'sip:x@127.0.0.1:9' }).catch(() => undefined);
    expect(await events.waitFor('ended')).toMatchObject({ lineCallId: 'c-unreachable', by: 'local', cause: 'failed' });
    await line.stop();
  });
});

describe('registration retry', () => {
  it('registers once a registrar that was down comes up', async () => {
    const port = await freePort();
    const line = createSipLine(
      SipLineSchema.parse({ type: 'sip', aor: 'sip:309@127.0.0.1', password: 'secret', registrar: `127.0.0.1:${port}`, transport: 'tcp' }),
      { registrationRetryMs: 300 },
    );
    const events = new EventRecorder(line);
    let late: Kamailio | undefined;
    try {
      await line.start();
      await events.waitFor('status', (event) => event.status.state === 'failed');
      late = await startKamailio({ port });
      await events.waitFor('status', (event) => event.status.state === 'ready');
    } finally {
      await line.stop();
      await late?.stop();
    }
  });
});

describe('registration refresh', () => {
  it('re-registers before expiry so calls still reach the line after the first lifetime', async () => {
    const shortLived = {
      ...SipLineSchema.parse({ type: 'sip', aor: 'sip:307@127.0.0.1', password: 'secret', registrar: kamailio.address, autoAnswer: true }),
      registerExpires: 10,
    };
    const callee = createSipLine(shortLived);
    const caller = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:308@127.0.0.1', password: 'secret', registrar: kamailio.address }));
    const calleeEvents = new EventRecorder(callee);
    const callerEvents = new EventRecorder(caller);
    try {
      await callee.start();
      await caller.start();
      await calleeEvents.waitFor('status', (event) => event.status.state === 'ready');
      await callerEvents.waitFor('status', (event) => event.status.state === 'ready');
      await new Promise((resolve) => setTimeout(resolve, 11_500));
      await caller.execute({ type: 'make_call', callId: 'after-refresh', target: '307' });
      await callerEvents.waitFor('answered');
      await calleeEvents.waitFor('answered');
      await caller.execute({ type: 'hangup', lineCallId: 'after-refresh' });
      await calleeEvents.waitFor('ended');
      expect(calleeEvents.types().filter((type) => type.startsWith('status'))).toEqual(['status:starting', 'status:registering', 'status:ready']);
    } finally {
      await caller.stop();
      await callee.stop();
    }
  }, 25_000);
});

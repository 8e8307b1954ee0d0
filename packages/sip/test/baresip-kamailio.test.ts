import { SipLineSchema } from '../src/index.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSipLine, type SipLine } from '../src/index.js';
import { startBaresip, type Baresip } from './support/baresip.js';
import { EventRecorder } from './support/event-recorder.js';
import { startKamailio, type Kamailio } from './support/kamailio.js';

let kamailio: Kamailio;
beforeAll(async () => {
  kamailio = await startKamailio();
});
afterAll(async () => {
  await kamailio?.stop();
});

/**
 * Has baresip hold or resume until the line reports it, at most three times, then the test fails.
 * On a loaded machine one hold in CI never showed up at the line; the likely cause (not confirmed
 * from a trace) is a re-INVITE arriving before the answer was confirmed, which RFC 3261 §14.2 lets
 * the UAS refuse and expects the UAC to retry — baresip does not retry, so the test does.
 */
async function remoteHoldOrResume(baresip: Baresip, events: EventRecorder, command: 'hold' | 'resume') {
  const type = command === 'hold' ? 'held' : 'resumed';
  for (let attempt = 1; ; attempt++) {
    await baresip.command(command);
    try {
      return await events.waitFor(type, (event) => event.by === 'remote');
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

describe.each(['udp', 'tcp'] as const)('baresip ⇄ kamailio ⇄ callhook over %s', (transport) => {
  let baresip: Baresip | undefined;
  let line: SipLine | undefined;
  afterEach(async () => {
    await line?.stop();
    await baresip?.stop();
  });

  async function setup(user: string) {
    baresip = await startBaresip(
      `<sip:alice${user}@127.0.0.1:${kamailio.port};transport=${transport}>;auth_pass=secret;answermode=auto;audio_codecs=pcmu,pcma`,
    );
    await baresip.waitRegistered();
    line = createSipLine(
      SipLineSchema.parse({ type: 'sip', aor: `sip:${user}@127.0.0.1`, password: 'secret', registrar: kamailio.address, transport, displayName: 'Desk' }),
    );
    const events = new EventRecorder(line);
    await line.start();
    await events.waitFor('status', (event) => event.status.state === 'ready');
    return { baresip, line, events };
  }

  it('takes a call from baresip, sees its hold/resume and its hangup', async () => {
    const { baresip, line, events } = await setup(transport === 'udp' ? '401' : '402');
    await baresip.command('dial', `sip:${transport === 'udp' ? '401' : '402'}@127.0.0.1:${kamailio.port}`);
    const incoming = await events.waitFor('incoming');
    expect(incoming).toMatchObject({ remoteParty: `alice${transport === 'udp' ? '401' : '402'}`, localName: 'Desk' });
    await line.execute({ type: 'answer', lineCallId: incoming.lineCallId });
    await baresip.waitEvent('CALL_ESTABLISHED');
    await events.waitFor('answered');
    await remoteHoldOrResume(baresip, events, 'hold');
    await remoteHoldOrResume(baresip, events, 'resume');
    await line.execute({ type: 'hold', lineCallId: incoming.lineCallId });
    await line.execute({ type: 'unhold', lineCallId: incoming.lineCallId });
    await baresip.command('hangup');
    await events.waitFor('ended');
    expect(events.types(incoming.lineCallId)).toEqual([
      'incoming',
      'answered',
      'held:remote',
      'resumed:remote',
      'held:local',
      'resumed:local',
      'ended:remote:normal',
    ]);
    // The call came on the line's port (its registered Contact); baresip's in-dialog requests, relayed by kamailio
    // to the remote target our 200 named, on the in-dialog socket over UDP (one connection per peer over TCP).
    const sockets = line.socketStats()!;
    if (transport === 'udp') {
      expect(sockets.main).toEqual({ INVITE: 1 });
      expect(sockets.dialog).toMatchObject({ ACK: expect.any(Number), INVITE: expect.any(Number), BYE: 1 });
      expect(sockets.dialog.INVITE, 'baresip’s hold and resume re-INVITEs').toBeGreaterThanOrEqual(2);
    } else expect(sockets.dialog).toEqual({});
  });

  it('calls baresip through a 407 challenge, holds it, and hangs up', async () => {
    const user = transport === 'udp' ? '403' : '404';
    const { baresip, line, events } = await setup(user);
    await line.execute({ type: 'make_call', callId: 'out-1', target: `alice${user}` });
    await events.waitFor('answered');
    await baresip.waitEvent('CALL_ESTABLISHED');
    await line.execute({ type: 'hold', lineCallId: 'out-1' });
    await line.execute({ type: 'unhold', lineCallId: 'out-1' });
    await remoteHoldOrResume(baresip, events, 'hold');
    await remoteHoldOrResume(baresip, events, 'resume');
    await line.execute({ type: 'hangup', lineCallId: 'out-1' });
    await baresip.waitEvent('CALL_CLOSED');
    await events.waitFor('ended');
    // A 180 is optional before the 200 (baresip under load answers at once), so alerting may be absent.
    expect(events.types('out-1').filter((type) => type !== 'alerting')).toEqual([
      'outgoing',
      'answered',
      'held:local',
      'resumed:local',
      'held:remote',
      'resumed:remote',
      'ended:local:normal',
    ]);
    expect(kamailio.log()).not.toMatch(/malformed/);
  });
});

describe('the 407 challenge on INVITE is real', () => {
  it('fails a call whose proxy credentials are wrong with the 407 in the detail', async () => {
    const line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:310@127.0.0.1', password: 'wrong' }));
    const events = new EventRecorder(line);
    try {
      await line.start();
      await line.execute({ type: 'make_call', callId: 'bad-auth', target: `sip:nobody@${kamailio.address}` });
      expect(await events.waitFor('ended')).toMatchObject({ by: 'remote', cause: 'failed', detail: '407 Proxy Authentication Required' });
    } finally {
      await line.stop();
    }
  });
});

import { SimulatedClock, waitFor } from '@callhook/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { CSTA_NAMESPACES, CstaRequestError, CstaSession } from '../../src/index.js';
import { FakeCstaPhone, type FakePhoneOptions } from './support/fake-csta-phone.js';
import { header } from './support/sip-text.js';
import { runCleanups, startSession } from './support/session-harness.js';

const cleanups: (() => unknown)[] = [];
afterEach(() => runCleanups(cleanups));

async function phone(options: FakePhoneOptions = {}): Promise<FakeCstaPhone> {
  const started = await FakeCstaPhone.start(options);
  cleanups.push(() => started.close());
  return started;
}

async function rejection(work: Promise<unknown>): Promise<CstaRequestError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof CstaRequestError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('CstaSession: opening the session', () => {
  it('INVITEs with an application/csta+xml RequestSystemStatus (no SDP), monitors the device, and writes the edition the phone answers in', async () => {
    const fake = await phone();
    const { session } = await startSession(fake, cleanups);
    expect(session.status()).toMatchObject({ state: 'up' });
    const [invite] = fake.invites;
    expect(header(invite!, 'Content-Type')).toBe('application/csta+xml');
    expect(invite!.headers.get('content-disposition')).toEqual(['signal;handling=required']);
    expect(invite!.headers.get('content-type')).toHaveLength(1);
    expect(header(invite!, 'Supported')).toContain('timer');
    expect(invite!.body).not.toContain('v=0');
    expect(fake.received[0]).toMatchObject({ service: 'RequestSystemStatus', namespace: CSTA_NAMESPACES.ed3 });
    const [monitorInfo] = fake.infos;
    expect(monitorInfo!.headers.get('content-type')).toEqual(['application/csta+xml']);
    expect(monitorInfo!.headers.get('content-disposition')).toEqual(['signal;handling=required']);
    const monitor = fake.requests('MonitorStart')[0]!;
    expect(monitor.namespace).toBe(CSTA_NAMESPACES.ed5);
    expect(monitor.fields).toMatchObject({ monitorObject: { deviceObject: fake.device } });
    expect(session.edition).toBe('ed5');
    expect(session.monitorCrossRefId).toBe('43');
    expect(fake.dialog?.confirmed).toBe(true);
  });
});

describe('CstaSession over TCP', () => {
  it('opens the session, sends a request and takes an event on a TCP connection', async () => {
    const fake = await FakeCstaPhone.start({}, 0, 'tcp');
    cleanups.push(() => fake.close());
    const { session, events, waitForEvents } = await startSession(fake, cleanups, { transport: 'tcp' });
    expect(session.status().state).toBe('up');
    expect(header(fake.invites[0]!, 'Via')).toContain('SIP/2.0/TCP');
    expect(await session.makeCall('455360')).toEqual({ callId: '-1', deviceId: fake.device });
    await waitForEvents(2);
    expect(events.map((event) => event.type)).toEqual(['Originated', 'Delivered']);
  });
});

describe('CstaSession: starting twice', () => {
  it('opens one session when start() is called twice at once', async () => {
    const fake = await phone();
    const session = new CstaSession({ phoneUri: fake.uri, device: fake.device, bindAddress: '127.0.0.1' });
    cleanups.push(() => session.stop());
    await Promise.all([session.start(), session.start()]);
    expect(session.status().state).toBe('up');
    // On a busy machine the INVITE may be retransmitted (RFC 3261 Timer A) before the phone's answer is read.
    expect(fake.sessionAttempts).toBe(1);
  });
});

describe('CstaSession: requests and their answers', () => {
  it('answers, holds, retrieves, sends digits, snapshots and transfers an incoming call, with the events of each', async () => {
    const fake = await phone();
    const { session, events, waitForEvents } = await startSession(fake, cleanups);
    const callId = await fake.ring('sip:420@example.com');
    await waitForEvents(1);
    expect(events[0]).toMatchObject({
      type: 'Delivered',
      edition: 'ed5',
      monitorCrossRefId: '43',
      connection: { callId, deviceId: fake.device },
      subjectDevice: fake.device,
      callingDevice: 'sip:420@example.com',
      localConnectionInfo: 'alerting',
      cause: 'newCall',
    });
    expect(callId.startsWith('-')).toBe(true);
    const connection = events[0]!.connection;

    await session.answerCall(connection); // this phone answers AnswerCall with an empty 200 OK
    await waitForEvents(2);
    expect(events[1]).toMatchObject({ type: 'Established', connection, localConnectionInfo: 'connected' });
    expect(fake.calls.get(callId)?.state).toBe('connected');

    await session.holdCall(connection);
    await waitForEvents(3);
    expect(events[2]).toMatchObject({ type: 'Held', connection, subjectDevice: fake.device, localConnectionInfo: 'hold' });

    expect(await session.snapshotDevice()).toEqual([{ connection, localConnectionState: 'hold' }]);

    await session.retrieveCall(connection);
    await waitForEvents(4);
    expect(events[3]).toMatchObject({ type: 'Retrieved', connection, localConnectionInfo: 'connected' });

    await session.generateDigits(connection, '12#');
    expect(fake.calls.get(callId)?.digits).toBe('12#');
    expect(fake.requests('GenerateDigits')[0]?.fields).toMatchObject({ charactersToSend: '12#', connectionToSendDigits: { callID: callId } });

    const transferred = await session.singleStepTransferCall(connection, '455360');
    expect(transferred).toMatchObject({ deviceId: '455360' });
    await waitForEvents(5);
    expect(events[4]).toMatchObject({ type: 'ConnectionCleared', connection, cause: 'singleStepTransfer' });
    expect(fake.calls.size).toBe(0);
  });

  it('makes a call (the phone names it with a negative id), sees it originate, and clears it', async () => {
    const fake = await phone();
    const { session, events, waitForEvents } = await startSession(fake, cleanups);
    const connection = await session.makeCall('455360');
    expect(connection).toEqual({ callId: '-1', deviceId: fake.device });
    expect(fake.requests('MakeCall')[0]?.fields).toMatchObject({ callingDevice: fake.device, calledDirectoryNumber: '455360', autoOriginate: 'doNotPrompt' });
    await waitForEvents(2);
    expect(events.map((event) => event.type)).toEqual(['Originated', 'Delivered']);
    expect(events[0]).toMatchObject({ connection, subjectDevice: fake.device, calledDevice: '455360' });
    await session.clearConnection(connection);
    await waitForEvents(3);
    expect(events[2]).toMatchObject({ type: 'ConnectionCleared', connection, cause: 'normalClearing', localConnectionInfo: 'null' });
    expect(fake.calls.size).toBe(0);
  });

  it('surfaces negative responses (CSTAErrorCode) as csta_error with their category and value', async () => {
    const fake = await phone({ failService: { MakeCall: ['systemResourceAvailability', 'resourceBusy'] } });
    const { session } = await startSession(fake, cleanups);
    const unknown = await rejection(session.answerCall({ callId: '-99', deviceId: fake.device }));
    expect(unknown).toMatchObject({ code: 'csta_error', details: { category: 'operation', value: 'invalidCallID' } });
    expect(unknown.message).toContain('AnswerCall');
    const callId = await fake.ring('sip:420@example.com');
    const wrongState = await rejection(session.retrieveCall({ callId, deviceId: fake.device }));
    expect(wrongState).toMatchObject({ code: 'csta_error', details: { category: 'stateIncompatibility', value: 'invalidObjectState' } });
    expect(await rejection(session.makeCall('455360'))).toMatchObject({ code: 'csta_error', details: { category: 'systemResourceAvailability' } });
    expect(session.status().state).toBe('up');
  });

  it('refuses a request with a bad field before sending it', async () => {
    const fake = await phone();
    const { session } = await startSession(fake, cleanups);
    const error = await rejection(session.generateDigits({ callId: '-1', deviceId: fake.device }, '12x'));
    expect(error.code).toBe('bad_request');
    expect(error.message).toContain('GenerateDigits/charactersToSend');
    expect(fake.requests('GenerateDigits')).toHaveLength(0);
  });
});

describe('CstaSession: answers in a following INFO', () => {
  it('takes the answer from the next INFO when the 200 OK has no body, and a CSTAErrorCode from one too', async () => {
    const fake = await phone({ answerInInfo: ['MakeCall', 'SnapshotDevice'], failService: { SnapshotDevice: ['operation', 'invalidDeviceID'] } });
    const { session, events, waitForEvents, logger } = await startSession(fake, cleanups);
    expect(await session.makeCall('455360')).toEqual({ callId: '-1', deviceId: fake.device });
    expect(await rejection(session.snapshotDevice())).toMatchObject({ code: 'csta_error', details: { value: 'invalidDeviceID' } });
    await waitForEvents(2);
    expect(events.map((event) => event.type)).toEqual(['Originated', 'Delivered']);
    // An answer nobody waits for is taken (200) and logged, not mistaken for an event.
    expect(
      await fake.sendInfo(
        `<MakeCallResponse xmlns="${CSTA_NAMESPACES.ed5}"><callingDevice><callID>-9</callID><deviceID>d</deviceID></callingDevice></MakeCallResponse>`,
      ),
    ).toBe(200);
    expect(logger.has('no request waiting')).toBe(true);
    expect(events).toHaveLength(2);
  });
});

describe('CstaSession: events from the phone', () => {
  it('reads events in the ed3 and the ed5 namespace alike, answering each 200', async () => {
    const fake = await phone();
    const { events, waitForEvents } = await startSession(fake, cleanups);
    const first = await fake.ring('sip:420@example.com', 'ed3');
    const second = await fake.ring('sip:421@example.com', 'ed5');
    await waitForEvents(2);
    expect(events.map((event) => [event.edition, event.connection.callId])).toEqual([
      ['ed3', first],
      ['ed5', second],
    ]);
    expect([...fake.infoAnswers.values()]).toEqual([200, 200]);
  });

  it('hands a duplicated event up twice (new INFO each time) but a retransmitted INFO only once', async () => {
    const fake = await phone();
    const { events, waitForEvents } = await startSession(fake, cleanups);
    const event = { type: 'Established', callId: '-7', device: fake.device, subject: fake.device, state: 'connected', cause: 'normal' } as const;
    expect(await fake.sendEvent(event)).toBe(200);
    expect(await fake.sendEvent(event)).toBe(200);
    await waitForEvents(2);
    const failed = { type: 'Failed', callId: '-8', device: fake.device, subject: fake.device, state: 'fail', cause: 'busy' } as const;
    const { eventXml } = await import('./support/csta-phone-xml.js');
    expect(await fake.sendInfo(eventXml(failed, '43', 'ed5'), 'application/csta+xml', 2)).toBe(200);
    await waitForEvents(3);
    // A marker event after the retransmission: once it is in, the retransmitted copy would be too.
    await fake.sendEvent({ ...event, type: 'Held', state: 'hold' });
    await waitForEvents(4);
    expect(events.map((received) => received.type)).toEqual(['Established', 'Established', 'Failed', 'Held']);
    expect(events[2]).toMatchObject({ connection: { callId: '-8' }, cause: 'busy', localConnectionInfo: 'fail' });
  });

  it('answers malformed XML 400 and a non-CSTA body 415, logs them, and stays up', async () => {
    const fake = await phone();
    const { session, events, logger, waitForEvents } = await startSession(fake, cleanups);
    expect(await fake.sendInfo('<DeliveredEvent xmlns="' + CSTA_NAMESPACES.ed5 + '"><connection><callID>-1</callID>')).toBe(400);
    expect(await fake.sendInfo(`<DeliveredEvent xmlns="${CSTA_NAMESPACES.ed5}"><monitorCrossRefID>43</monitorCrossRefID></DeliveredEvent>`)).toBe(400);
    expect(await fake.sendInfo('Signal=5\r\nDuration=160\r\n', 'application/dtmf-relay')).toBe(415);
    expect(await fake.sendInfo(`<DigitsGeneratedEvent xmlns="${CSTA_NAMESPACES.ed5}"/>`)).toBe(200);
    expect(logger.lines.filter((line) => line.message.includes('refused an unreadable CSTA body'))).toHaveLength(2);
    expect(logger.lines.some((line) => line.fields?.element === 'DeliveredEvent/connection')).toBe(true);
    expect(logger.has('not CSTA')).toBe(true);
    expect(events).toHaveLength(0);
    await fake.ring('sip:420@example.com');
    await waitForEvents(1);
    expect(session.status().state).toBe('up');
  });
});

describe('CstaSession: refusals and credentials', () => {
  it('reports a 403 as refused with the fix named, and tries again later', async () => {
    const fake = await phone({ refuseInvite: 403 });
    const { session, waitForState } = await startSession(fake, cleanups);
    const refused = session.status();
    expect(refused).toMatchObject({ state: 'refused', statusCode: 403 });
    expect(refused.detail).toContain('csta_control');
    expect(refused.retryAt).toBeGreaterThan(0);
    await waitForState('refused', 'refused again after its back-off', 2);
    expect(fake.invites.length).toBeGreaterThanOrEqual(2);
    expect(await rejection(session.request({ service: 'RequestSystemStatus' }))).toMatchObject({ code: 'not_up' });
  });

  it('reports a 488 (the phone takes no application/csta+xml) as refused', async () => {
    const fake = await phone({ refuseInvite: 488 });
    const { session } = await startSession(fake, cleanups);
    expect(session.status()).toMatchObject({ state: 'refused', statusCode: 488 });
    expect(session.status().detail).toContain('application/csta+xml');
  });

  it('answers a digest challenge on the INVITE and on every INFO (Snom csta_challenge=2)', async () => {
    const fake = await phone({ challenge: { username: '455455', password: 's3cret', scope: 'all' } });
    const { session } = await startSession(fake, cleanups, { username: '455455', password: 's3cret' });
    expect(session.status().state).toBe('up');
    expect(fake.invites.map((invite) => invite.headers.has('authorization'))).toEqual([false, true]);
    const connection = await session.makeCall('455360');
    expect(connection.callId).toBe('-1');
  });

  it('reports a challenge it cannot answer as refused 401, naming the credentials, without leaking the password', async () => {
    const fake = await phone({ challenge: { username: '455455', password: 's3cret', scope: 'invite' } });
    const { session } = await startSession(fake, cleanups, { username: '455455', password: 'wrong-password' });
    expect(session.status()).toMatchObject({ state: 'refused', statusCode: 401 });
    expect(session.status().detail).toContain('credentials');
    expect(session.status().detail).not.toContain('wrong-password');
    const bare = await phone({ challenge: { username: '455455', password: 's3cret', scope: 'invite' } });
    const { session: without } = await startSession(bare, cleanups);
    expect(without.status()).toMatchObject({ state: 'refused', statusCode: 401 });
    expect(without.status().detail).toContain('wants CSTA credentials');
  });
});

describe('CstaSession: CSTA-level refusals', () => {
  it('refuses the session when the INVITE is answered with a CSTAErrorCode, and ends the dialog', async () => {
    const fake = await phone({ failService: { RequestSystemStatus: ['security', 'requestNotAllowed'] } });
    const { waitForState } = await startSession(fake, cleanups);
    // The harness re-opens 50 ms after a refusal: on a busy machine the status may already say connecting again.
    const refused = await waitForState('refused');
    expect(refused.statusCode).toBeUndefined();
    expect(refused.detail).toContain('security requestNotAllowed');
    await waitFor(() => fake.byes >= 1, 'the BYE ending the refused dialog');
  });

  it('refuses the session when the phone will not monitor the device', async () => {
    const fake = await phone({ failService: { MonitorStart: ['operation', 'invalidDeviceID'] } });
    const { session, waitForState } = await startSession(fake, cleanups);
    // start() resolves after the INVITE; the MonitorStart refusal may arrive just after it.
    await waitForState('refused');
    expect(session.status().detail).toContain(`refused to monitor ${fake.device}`);
    expect(session.status().detail).toContain('invalidDeviceID');
  });
});

describe('CstaSession: a phone that goes away', () => {
  it('reports lost on the phone BYE and re-opens the session', async () => {
    const fake = await phone();
    const { session, waitForState } = await startSession(fake, cleanups);
    expect(await fake.bye()).toBe(200);
    const lost = await waitForState('lost');
    expect(lost.detail).toContain('BYE');
    await waitForState('up', 'up again', 2);
    expect(fake.invites).toHaveLength(2);
    expect(fake.requests('MonitorStart')).toHaveLength(2);
    expect(session.monitorCrossRefId).toBe('44');
    expect(fake.byes).toBe(0); // a dialog the phone ended is not ended again
    await fake.ring('sip:420@example.com');
    expect(fake.infoAnswers.size).toBe(1);
  });

  it('notices a silent phone by its keep-alive, fails what waits, and re-opens once the phone is back', async () => {
    const fake = await phone();
    const { session, events, waitForState, waitForEvents } = await startSession(fake, cleanups, {
      keepAliveMs: 100,
      requestTimeoutMs: 1_000,
      connectTimeoutMs: 1_000,
    });
    const port = fake.port;
    await fake.close();
    const lost = await waitForState('lost');
    expect(lost.detail).toContain('keep-alive');
    expect(await rejection(session.makeCall('455360'))).toMatchObject({ code: 'not_up' });
    await waitForState('lost', 'still lost while the phone is away', 2);
    const back = await FakeCstaPhone.start({}, port);
    cleanups.push(() => back.close());
    await waitFor(() => session.status().state === 'up', 'the session up with the phone back', 15_000);
    await back.ring('sip:420@example.com');
    await waitForEvents(1);
    expect(events[0]?.connection.callId).toBe('-1');
  });
});

describe('CstaSession: time and teardown', () => {
  it('times a request out on the injected clock when the phone does not answer it', async () => {
    const clock = new SimulatedClock();
    const fake = await phone();
    const { session } = await startSession(fake, cleanups, { requestTimeoutMs: 4_000 }, { clock });
    expect(session.status().state).toBe('up');
    fake.answering = false;
    const pending = rejection(session.holdCall({ callId: '-1', deviceId: fake.device }));
    await waitFor(() => fake.ignored >= 1, 'the phone to ignore the HoldCall INFO');
    await clock.advance(4_000);
    expect(await pending).toMatchObject({ code: 'timeout' });
    expect(session.status().state).toBe('up');
    fake.answering = true;
  });

  it('refreshes the session with a re-INVITE at half the interval the phone sets, and treats a 481 to it as lost', async () => {
    const clock = new SimulatedClock();
    const fake = await phone({ sessionExpires: 90 });
    const { session, waitForState } = await startSession(fake, cleanups, { reconnectInitialMs: 600_000 }, { clock });
    expect(session.status().state).toBe('up');
    await waitFor(() => fake.acks === 1, 'the ACK of the CSTA INVITE');
    await clock.advance(44_000);
    expect(fake.reinvites).toBe(0);
    await clock.advance(1_000);
    // The ACK shows the session has read the refresh's 200 OK (and set the next refresh) before time moves on.
    await waitFor(() => fake.reinvites === 1 && fake.acks === 2, 'the first session refresh, acknowledged');
    await clock.advance(45_000);
    await waitFor(() => fake.reinvites === 2 && fake.acks === 3, 'the second session refresh, acknowledged');
    expect(session.status().state).toBe('up');
    fake.forgetDialogs();
    await clock.advance(45_000);
    const lost = await waitForState('lost');
    expect(lost.detail).toContain('session refresh got 481');
  });

  it('stops while the INVITE waits for a silent phone, without waiting out the connect timeout', async () => {
    const fake = await phone();
    fake.answering = false;
    const session = new CstaSession({ phoneUri: fake.uri, bindAddress: '127.0.0.1', connectTimeoutMs: 600_000 });
    cleanups.push(() => session.stop());
    const started = session.start();
    await waitFor(() => fake.ignored >= 1, 'the INVITE at the silent phone');
    expect(session.status().state).toBe('connecting');
    await session.stop();
    await started;
    expect(session.status().state).toBe('stopped');
  });

  it('stops with MonitorStop then BYE, and refuses requests afterwards', async () => {
    const fake = await phone();
    const { session } = await startSession(fake, cleanups);
    await session.stop();
    expect(fake.requests('MonitorStop')[0]?.fields).toMatchObject({ monitorCrossRefID: '43' });
    expect(fake.dialog).toBeUndefined();
    expect(session.status().state).toBe('stopped');
    expect(await rejection(session.answerCall({ callId: '-1', deviceId: fake.device }))).toMatchObject({ code: 'not_up' });
  });
});

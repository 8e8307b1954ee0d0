import type { LineEvent } from '@callhook/core';
import { waitFor } from '@callhook/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { cstaRig, type CstaRig } from './support/csta-rig.js';

let subject: CstaRig | undefined;
afterEach(async () => {
  await subject?.close();
  subject = undefined;
});

const of = <T extends LineEvent['type']>(s: CstaRig, type: T) => s.events.filter((e): e is Extract<LineEvent, { type: T }> => e.type === type);

async function ready(options: Parameters<typeof cstaRig>[0] = {}): Promise<CstaRig> {
  subject = await cstaRig(options);
  await subject.line.start();
  await waitFor(() => subject!.line.status().state === 'ready', 'the csta line is ready', 10_000);
  return subject;
}

/** Rings a call at the fake phone and waits for the line's `incoming`; returns the phone's and the line's call ids. */
async function ringIn(s: CstaRig, caller = 'sip:420@example.com'): Promise<{ phoneId: string; lineCallId: string }> {
  const before = of(s, 'incoming').length;
  const phoneId = await s.phone.ring(caller);
  await waitFor(() => of(s, 'incoming').length > before, 'incoming on the line', 10_000);
  return { phoneId, lineCallId: of(s, 'incoming').at(-1)!.lineCallId };
}

async function answered(s: CstaRig): Promise<{ phoneId: string; lineCallId: string }> {
  const call = await ringIn(s);
  await s.line.execute({ type: 'answer', lineCallId: call.lineCallId });
  await waitFor(() => of(s, 'answered').some((e) => e.lineCallId === call.lineCallId), 'answered', 10_000);
  return call;
}

const field = (request: { fields: unknown }, ...path: string[]) =>
  path.reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], request.fields);

describe('csta desk-phone line: commands go to the right CSTA connection', () => {
  it('make_call sends MakeCall from the account and binds the phone call id; the far end answering and hanging up are mapped', async () => {
    const s = await ready();
    await s.line.execute({ type: 'make_call', callId: 'out-1', target: '420' });
    const request = await s.phone.waitForRequests('MakeCall');
    expect(field(request, 'calledDirectoryNumber')).toBe('420');
    expect(field(request, 'callingDevice')).toBe('987@example.com');
    expect(of(s, 'outgoing')[0]).toMatchObject({ lineCallId: 'out-1', remoteParty: '420', localParty: '987@example.com', localName: null });
    const phoneId = [...s.phone.calls.keys()][0]!;
    expect(Number(phoneId)).toBeLessThan(0);
    await s.phone.sendEvent({
      type: 'Established',
      callId: phoneId,
      device: s.phone.device,
      subject: 'sip:420@example.com',
      calling: s.phone.device,
      called: 'sip:420@example.com',
      state: 'connected',
      cause: 'normal',
    });
    await waitFor(() => of(s, 'answered').length === 1, 'answered', 10_000);
    s.phone.calls.delete(phoneId);
    await s.phone.sendEvent({
      type: 'ConnectionCleared',
      callId: phoneId,
      device: s.phone.device,
      subject: 'sip:420@example.com',
      state: 'null',
      cause: 'normalClearing',
    });
    await waitFor(() => of(s, 'ended').length === 1, 'ended', 10_000);
    expect(of(s, 'ended')[0]).toMatchObject({ lineCallId: 'out-1', by: 'remote', cause: 'normal' });
  });

  it('answer sends AnswerCall on the ringing call, also with two calls ringing (no focused-call guess)', async () => {
    const s = await ready();
    await ringIn(s, 'sip:420@example.com');
    const second = await ringIn(s, 'sip:421@example.com');
    await s.line.execute({ type: 'answer', lineCallId: second.lineCallId });
    const request = await s.phone.waitForRequests('AnswerCall');
    expect(field(request, 'callToBeAnswered', 'callID')).toBe(second.phoneId);
    await waitFor(() => of(s, 'answered').length === 1, 'answered', 10_000);
    expect(of(s, 'answered')[0]!.lineCallId).toBe(second.lineCallId);
    expect(of(s, 'incoming').map((e) => e.remoteParty)).toEqual(['420', '421']);
  });

  it('hangup sends ClearConnection: a ringing call ends rejected by us, an answered one normally', async () => {
    const s = await ready();
    const ringing = await ringIn(s);
    await s.line.execute({ type: 'hangup', lineCallId: ringing.lineCallId });
    expect(field(await s.phone.waitForRequests('ClearConnection'), 'connectionToBeCleared', 'callID')).toBe(ringing.phoneId);
    await waitFor(() => of(s, 'ended').length === 1, 'ended', 10_000);
    expect(of(s, 'ended')[0]).toMatchObject({ lineCallId: ringing.lineCallId, by: 'local', cause: 'rejected' });
    const call = await answered(s);
    await s.line.execute({ type: 'hangup', lineCallId: call.lineCallId });
    await waitFor(() => of(s, 'ended').length === 2, 'second ended', 10_000);
    expect(of(s, 'ended')[1]).toMatchObject({ lineCallId: call.lineCallId, by: 'local', cause: 'normal' });
    expect(s.phone.calls.size).toBe(0);
  });

  it('hold and unhold send HoldCall and RetrieveCall; the phone confirming them adds no duplicate events', async () => {
    const s = await ready();
    const call = await answered(s);
    await s.line.execute({ type: 'hold', lineCallId: call.lineCallId });
    expect(field(await s.phone.waitForRequests('HoldCall'), 'callToBeHeld', 'callID')).toBe(call.phoneId);
    await waitFor(() => s.phone.calls.get(call.phoneId)?.state === 'hold', 'held at the phone', 10_000);
    await s.line.execute({ type: 'unhold', lineCallId: call.lineCallId });
    expect(field(await s.phone.waitForRequests('RetrieveCall'), 'callToBeRetrieved', 'callID')).toBe(call.phoneId);
    await waitFor(() => s.phone.calls.get(call.phoneId)?.state === 'connected', 'retrieved at the phone', 10_000);
    // The phone's Held/Retrieved events were answered (200) before we look: a second pair would show now.
    await waitFor(() => [...s.phone.infoAnswers.values()].length >= 3, 'the phone events answered', 10_000);
    expect(of(s, 'held')).toHaveLength(1);
    expect(of(s, 'resumed')).toHaveLength(1);
  });

  it('transfer sends SingleStepTransferCall to the target and the call ends', async () => {
    const s = await ready();
    const call = await answered(s);
    await s.line.execute({ type: 'transfer', lineCallId: call.lineCallId, target: '555' });
    const request = await s.phone.waitForRequests('SingleStepTransferCall');
    expect(field(request, 'activeCall', 'callID')).toBe(call.phoneId);
    expect(field(request, 'transferredTo')).toBe('555');
    await waitFor(() => of(s, 'ended').length === 1, 'ended', 10_000);
  });

  it('dtmf sends GenerateDigits on the call; the phone refusing a command is a line_error naming the service', async () => {
    const s = await ready({ phone: { failService: { HoldCall: ['stateIncompatibility', 'invalidObjectState'] } } });
    const call = await answered(s);
    await s.line.execute({ type: 'dtmf', lineCallId: call.lineCallId, digits: '12#' });
    expect(s.phone.calls.get(call.phoneId)?.digits).toBe('12#');
    await expect(s.line.execute({ type: 'hold', lineCallId: call.lineCallId })).rejects.toMatchObject({
      code: 'line_error',
      message: expect.stringContaining('HoldCall: the phone refused it (stateIncompatibility: invalidObjectState)'),
    });
  });
});

describe('csta desk-phone line: phone events become line events', () => {
  const cleared = (s: CstaRig, callId: string, subject: string) =>
    s.phone.sendEvent({ type: 'ConnectionCleared', callId, device: s.phone.device, subject, state: 'null', cause: 'normalClearing' });

  it('Delivered → incoming, Established → answered, Held/Retrieved → held/resumed, ConnectionCleared → ended (duplicates ignored)', async () => {
    const s = await ready();
    const call = await ringIn(s);
    expect(of(s, 'incoming')[0]).toMatchObject({ remoteParty: '420', localParty: '987@example.com' });
    const ev = {
      callId: call.phoneId,
      device: s.phone.device,
      subject: s.phone.device,
      calling: 'sip:420@example.com',
      called: s.phone.device,
      cause: 'normal',
    };
    s.phone.calls.get(call.phoneId)!.state = 'connected';
    await s.phone.sendEvent({ ...ev, type: 'Established', state: 'connected' });
    await s.phone.sendEvent({ ...ev, type: 'Established', state: 'connected' });
    await s.phone.sendEvent({ ...ev, type: 'Held', state: 'hold' });
    await s.phone.sendEvent({ ...ev, type: 'Retrieved', state: 'connected' });
    await cleared(s, call.phoneId, 'sip:420@example.com');
    await cleared(s, call.phoneId, 'sip:420@example.com');
    await waitFor(() => of(s, 'ended').length === 1, 'ended', 10_000);
    expect(s.events.filter((e) => e.type !== 'status').map((e) => e.type)).toEqual(['incoming', 'answered', 'held', 'resumed', 'ended']);
    expect(of(s, 'ended')[0]).toMatchObject({ by: 'remote', cause: 'normal' });
  });

  it('out of order: Established before any Delivered is an incoming answered call; a late Delivered after the end is ignored', async () => {
    const s = await ready();
    const base = { callId: '-77', device: s.phone.device, subject: s.phone.device, calling: 'sip:430@example.com', called: s.phone.device, cause: 'normal' };
    s.phone.calls.set('-77', { callId: '-77', state: 'connected', remote: '430', digits: '' });
    await s.phone.sendEvent({ ...base, type: 'Established', state: 'connected' });
    await waitFor(() => of(s, 'answered').length === 1, 'answered', 10_000);
    s.phone.calls.delete('-77');
    await cleared(s, '-77', s.phone.device);
    await s.phone.sendEvent({ ...base, type: 'Delivered', state: 'alerting', cause: 'newCall' });
    expect(s.events.filter((e) => e.type !== 'status').map((e) => e.type)).toEqual(['incoming', 'answered', 'ended']);
    expect(of(s, 'incoming')[0]).toMatchObject({ remoteParty: '430' });
    expect(of(s, 'ended')[0]).toMatchObject({ by: 'local', cause: 'normal' });
  });

  it('Originated (dialled on the keypad) → outgoing + alerting; Failed → ended by the far end', async () => {
    const s = await ready();
    s.phone.calls.set('-5', { callId: '-5', state: 'connected', remote: '440', digits: '' });
    await s.phone.sendEvent({
      type: 'Originated',
      callId: '-5',
      device: s.phone.device,
      subject: s.phone.device,
      called: 'sip:440@example.com',
      state: 'connected',
      cause: 'newCall',
    });
    await waitFor(() => of(s, 'alerting').length === 1, 'alerting', 10_000);
    expect(of(s, 'outgoing')[0]).toMatchObject({ remoteParty: '440', localParty: '987@example.com' });
    s.phone.calls.delete('-5');
    await s.phone.sendEvent({
      type: 'Failed',
      callId: '-5',
      device: s.phone.device,
      subject: 'sip:440@example.com',
      called: 'sip:440@example.com',
      state: 'fail',
      cause: 'busy',
    });
    await waitFor(() => of(s, 'ended').length === 1, 'ended', 10_000);
    expect(of(s, 'ended')[0]).toMatchObject({ by: 'remote' });
  });

  it('events in the ed3, ed4 and ed5 namespaces are all read (Snom answers ed5, others may send ed3/ed4)', async () => {
    const s = await ready();
    for (const edition of ['ed3', 'ed4', 'ed5'] as const) await s.phone.ring(`sip:45${edition.slice(2)}@example.com`, edition);
    await waitFor(() => of(s, 'incoming').length === 3, 'three incoming calls', 10_000);
    expect(of(s, 'incoming').map((e) => e.remoteParty)).toEqual(['453', '454', '455']);
  });

  it('a ringing call rejected at the phone (ConnectionCleared by the phone) ends rejected by the local side', async () => {
    const s = await ready();
    const call = await ringIn(s);
    s.phone.calls.delete(call.phoneId);
    await cleared(s, call.phoneId, s.phone.device);
    await waitFor(() => of(s, 'ended').length === 1, 'ended', 10_000);
    expect(of(s, 'ended')[0]).toMatchObject({ by: 'local', cause: 'rejected' });
  });

  it('a call the phone drops without any event is closed by SnapshotDevice polling, with a detail saying so', async () => {
    const s = await ready({ deps: { pollMs: 100 } });
    const call = await ringIn(s);
    s.phone.calls.delete(call.phoneId);
    await waitFor(() => of(s, 'ended').length === 1, 'the poll closes the call', 15_000);
    expect(of(s, 'ended')[0]).toMatchObject({ lineCallId: call.lineCallId, cause: 'failed', detail: expect.stringContaining('SnapshotDevice') });
    expect(s.phone.requests('SnapshotDevice').length).toBeGreaterThan(0);
  });
});

describe('csta desk-phone line: session status is the line status', () => {
  it('a phone refusing the session (403) shows as failed with the fix, and the line does not crash', async () => {
    subject = await cstaRig({ phone: { refuseInvite: 403 } });
    await subject.line.start();
    await waitFor(() => subject!.line.status().state === 'failed', 'failed', 10_000);
    expect(subject.line.status().detail).toContain('403');
    expect(subject.line.status().detail).toContain('csta_control');
    await expect(subject.line.execute({ type: 'make_call', callId: 'x', target: '420' })).rejects.toMatchObject({ code: 'line_not_ready' });
  });

  it('a phone that challenges every CSTA request (Snom csta_challenge=2) takes csta.username and the line password; a wrong password names those settings', async () => {
    const s = await ready({ phone: { challenge: { username: '455455', password: 'secret', scope: 'all' } }, settings: { csta: { username: '455455' } } });
    const call = await ringIn(s);
    await s.line.execute({ type: 'answer', lineCallId: call.lineCallId });
    await waitFor(() => of(s, 'answered').length === 1, 'answered through the challenge', 10_000);
    await s.close();
    subject = await cstaRig({ phone: { challenge: { username: '455455', password: 'other', scope: 'invite' } }, settings: { csta: { username: '455455' } } });
    await subject.line.start();
    await waitFor(() => subject!.line.status().state === 'failed', 'failed on the wrong password', 10_000);
    expect(subject.line.status().detail).toContain('csta.username and password');
  });

  it('the phone going away shows as unregistered with the fix, and coming back makes the line ready again', async () => {
    const s = await ready();
    s.phone.answering = false;
    await s.phone.bye();
    await waitFor(() => s.line.status().state === 'unregistered', 'unregistered', 15_000);
    expect(s.line.status().detail).toMatch(/uaCSTA session (lost|connecting).*csta\.uri/);
    s.phone.answering = true;
    await waitFor(() => s.line.status().state === 'ready', 'ready again', 20_000);
    const call = await ringIn(s);
    await s.line.execute({ type: 'answer', lineCallId: call.lineCallId });
    await waitFor(() => of(s, 'answered').length === 1, 'answered after the return', 10_000);
  });
});

import { lineEventProblems } from '@callhook/core/conformance';
import { waitFor } from '@callhook/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { rig, type Rig } from './support/desk-phone-under-test.js';
import type { FakeYealink } from '../src/testing/fake-yealink.js';

let subject: Rig<FakeYealink> | null = null;
afterEach(async () => {
  await subject?.close();
  subject = null;
});

describe('the desk-phone line with a Yealink', () => {
  it('puts key= first in every request (the phone ignores it elsewhere) and dials with outgoing_uri = account', async () => {
    subject = await rig('yealink');
    await subject.line.start();
    subject.phone.onDial = (call, phone) => phone.remoteAnswer(call);
    await subject.line.execute({ type: 'make_call', callId: 'out-1', target: '+4930123' });
    await waitFor(() => subject!.events.some((e) => e.type === 'answered'), 'answered', 10_000);
    await subject.line.execute({ type: 'dtmf', lineCallId: 'out-1', digits: '1*#' });
    await subject.line.execute({ type: 'hangup', lineCallId: 'out-1' });
    await waitFor(() => subject!.events.some((e) => e.type === 'ended'), 'ended', 10_000);
    const call = [...subject.phone.calls.values()][0]!;
    expect(call).toMatchObject({ number: '+4930123', outgoingUri: '987@example.com', dtmf: '1*#', end: 'local' });
    expect(subject.phone.ignored).toEqual([]);
    const commands = subject.phone.log.filter((l) => l.url.startsWith('/servlet?') && !l.url.includes('phonecfg'));
    expect(commands.every((l) => l.url.startsWith('/servlet?key='))).toBe(true);
    expect(commands.map((l) => l.url)).toContain(`/servlet?key=CANCEL:${call.id}`);
    expect(subject.events.find((e) => e.type === 'ended')).toMatchObject({ by: 'local', cause: 'normal' });
  });

  it('addresses calls by $call_id, so two calls on the phone are no reason to refuse', async () => {
    subject = await rig('yealink');
    await subject.line.start();
    const first = subject.phone.ringIn('420');
    subject.phone.ringIn('421');
    await waitFor(() => subject!.events.filter((e) => e.type === 'incoming').length === 2, 'two incoming', 10_000);
    const incoming = subject.events.find((e) => e.type === 'incoming' && e.remoteParty === '420') as { lineCallId: string };
    await subject.line.execute({ type: 'answer', lineCallId: incoming.lineCallId });
    await waitFor(() => subject!.events.some((e) => e.type === 'answered'), 'answered', 10_000);
    expect(first.state).toBe('connected');
    expect(subject.phone.log.map((l) => l.url)).toContain(`/servlet?key=ASW:${first.id}`);
  });

  it('explains the allow-list refusal in the status and recovers by itself once the address is allowed', async () => {
    subject = await rig('yealink');
    subject.phone.allowList = [];
    await subject.line.start();
    expect(subject.line.status()).toMatchObject({
      state: 'failed',
      detail: expect.stringContaining('Action URI Allow IP List (Features › Remote Control; features.action_uri_limit_ip'),
    });
    subject.phone.allowList = ['127.0.0.1'];
    await waitFor(() => subject!.line.status().state === 'ready', 'ready after the retry', 15_000);
  });

  it('explains the "Allow remote control?" prompt when the phone took a dial request but never reported the call', async () => {
    subject = await rig('yealink', { deps: { silenceTimeoutMs: 400 } });
    subject.phone.prompt = true;
    await subject.line.start();
    await subject.line.execute({ type: 'make_call', callId: 'out-2', target: '420' });
    await waitFor(() => subject!.events.some((e) => e.type === 'ended'), 'the guard ended the call', 10_000);
    expect(subject.phone.ignored.length).toBe(1);
    expect(subject.events.find((e) => e.type === 'ended')).toMatchObject({
      cause: 'failed',
      detail: expect.stringContaining('confirm "Allow remote control?" on the phone'),
    });
    expect(lineEventProblems(subject.events)).toEqual([]);
    subject.phone.approve();
    await subject.line.execute({ type: 'make_call', callId: 'out-3', target: '420' });
    await waitFor(() => subject!.phone.calls.size === 1, 'the phone dials once approved', 10_000);
  });

  it('reports the lockout after failed logins with both possible causes named', async () => {
    subject = await rig('yealink', { settings: { password: 'wrong' } });
    await subject.line.start();
    expect(subject.line.status().detail).toContain('401 from the phone');
    subject.phone.failedLogins = 3;
    await waitFor(() => subject!.line.status().detail.startsWith('403'), 'the lockout shows', 15_000);
    expect(subject.line.status().detail).toContain('locked callhook out after failed logins');
  });
});

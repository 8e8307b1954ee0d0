import { lineEventProblems } from '@callhook/core/conformance';
import { waitFor } from '@callhook/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { rig, type Rig } from './support/desk-phone-under-test.js';
import type { FakeGrandstream } from '../src/testing/fake-grandstream.js';

let subject: Rig<FakeGrandstream> | null = null;
afterEach(async () => {
  await subject?.close();
  subject = null;
});

describe('the desk-phone line with a Grandstream', () => {
  it('follows a call through path-style event URLs without call ids', async () => {
    subject = await rig('grandstream');
    await subject.line.start();
    const call = subject.phone.ringIn('+4930123', 'Anna');
    await waitFor(() => subject!.events.some((e) => e.type === 'incoming'), 'incoming', 10_000);
    await subject.phone.drained();
    expect(subject.phone.sent[0]!.url).toMatch(/\/phone\/[A-Za-z0-9_-]+\/incoming\/remote=\+4930123&display=Anna&callid=\$call-id&local=987&user=987$/);
    const incoming = subject.events.find((e) => e.type === 'incoming') as { lineCallId: string };
    await subject.line.execute({ type: 'answer', lineCallId: incoming.lineCallId });
    await waitFor(() => subject!.events.some((e) => e.type === 'answered'), 'answered', 10_000);
    subject.phone.remoteHangup(call);
    await waitFor(() => subject!.events.some((e) => e.type === 'ended'), 'ended', 10_000);
    expect(subject.events.find((e) => e.type === 'ended')).toMatchObject({ by: 'remote', cause: 'normal' });
    expect(lineEventProblems(subject.events)).toEqual([]);
  });

  it('closes calls the phone ended without any event by polling api-get_line_status', async () => {
    subject = await rig('grandstream', { deps: { pollMs: 100 } });
    await subject.line.start();
    const call = subject.phone.ringIn('420');
    await waitFor(() => subject!.events.some((e) => e.type === 'incoming'), 'incoming', 10_000);
    subject.phone.silentEnds = true;
    subject.phone.remoteHangup(call);
    await waitFor(() => subject!.events.some((e) => e.type === 'ended'), 'the poll closed the call', 10_000);
    expect(subject.events.find((e) => e.type === 'ended')).toMatchObject({ cause: 'failed', detail: expect.stringContaining('api-get_line_status') });
    expect(subject.phone.log.some((l) => l.url.startsWith('/cgi-bin/api-get_line_status'))).toBe(true);
  });

  it('refuses DTMF and transfer (no verified request) and a wrong passcode with the fix', async () => {
    subject = await rig('grandstream');
    await subject.line.start();
    subject.phone.onDial = (call, phone) => phone.remoteAnswer(call);
    await subject.line.execute({ type: 'make_call', callId: 'out-1', target: '420' });
    await waitFor(() => subject!.events.some((e) => e.type === 'answered'), 'answered', 10_000);
    await expect(subject.line.execute({ type: 'dtmf', lineCallId: 'out-1', digits: '1' })).rejects.toMatchObject({
      code: 'line_error',
      message: expect.stringContaining('DTMF is not supported by grandstream'),
    });
    await expect(subject.line.execute({ type: 'transfer', lineCallId: 'out-1', target: '5' })).rejects.toMatchObject({ code: 'line_error' });
    await subject.close();
    subject = await rig('grandstream', { settings: { password: 'nope' } });
    await subject.line.start();
    expect(subject.line.status()).toMatchObject({ state: 'failed', detail: expect.stringContaining('Action URI Allowed IP List') });
  });
});

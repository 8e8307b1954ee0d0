import { lineEventProblems } from '@callhook/core/conformance';
import { waitFor } from '@callhook/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { rig, type Rig } from './support/desk-phone-under-test.js';
import type { FakeSnom } from '../src/testing/fake-snom.js';

let subject: Rig<FakeSnom> | null = null;
afterEach(async () => {
  await subject?.close();
  subject = null;
});

const ended = (s: Rig) => s.events.filter((e) => e.type === 'ended');

describe('the desk-phone line with a Snom', () => {
  it('answers a Digest challenge, writes its Action URLs (provision) and dials with outgoing_uri = account; 302 is success', async () => {
    subject = await rig('snom', { auth: 'digest' });
    await subject.line.start();
    expect(subject.line.status()).toMatchObject({ state: 'ready' });
    expect(subject.line.status().detail).toContain('event URLs written to the phone');
    expect(subject.phone.settings.get('action_incoming_url')).toBe(
      `${subject.line.eventBase}/incoming?remote=$remote&display=$display_remote&callid=$call-id&local=$local&user=$active_user&host=$active_host&v=1`,
    );
    await subject.line.execute({ type: 'make_call', callId: 'out-1', target: '+4930123' });
    const call = [...subject.phone.calls.values()][0]!;
    expect(call.number).toBe('+4930123');
    expect(call.outgoingUri).toBe('987@example.com');
    expect(subject.phone.log.some((l) => l.url.startsWith('/command.htm?number=%2B4930123&outgoing_uri=987%40example.com') && l.status === 302)).toBe(true);
    expect(subject.events.find((e) => e.type === 'outgoing')).toMatchObject({
      lineCallId: 'out-1',
      localParty: '987@example.com',
      localName: null,
      remoteParty: '+4930123',
    });
  });

  it("ends a call it rejected itself, since Snom's CANCEL-reject fires no Action URL", async () => {
    subject = await rig('snom');
    await subject.line.start();
    const call = subject.phone.ringIn('420', 'Michael');
    await waitFor(() => subject!.events.some((e) => e.type === 'incoming'), 'incoming', 10_000);
    const incoming = subject.events.find((e) => e.type === 'incoming')!;
    expect(incoming).toMatchObject({ remoteParty: '420', remoteName: 'Michael', localParty: '987@example.com', localName: null });
    await subject.line.execute({ type: 'hangup', lineCallId: (incoming as { lineCallId: string }).lineCallId });
    expect(call.end).toBe('silent-reject');
    expect(ended(subject)).toEqual([expect.objectContaining({ by: 'local', cause: 'rejected', detail: expect.stringContaining('snom sends no event') })]);
    await subject.phone.drained();
    expect(subject.phone.sent.filter((s) => !s.url.includes('/incoming'))).toEqual([]);
  });

  it('closes a ringing call rejected on the phone itself after the silence timeout, saying so', async () => {
    subject = await rig('snom', { deps: { silenceTimeoutMs: 300 } });
    await subject.line.start();
    subject.phone.ringIn('420');
    await waitFor(() => ended(subject!).length === 1, 'the silence guard closed the call', 10_000);
    expect(ended(subject)[0]).toMatchObject({
      cause: 'failed',
      detail: expect.stringMatching(/no end event from the phone within 0.3 s of ringing.*Snom.*closed by callhook/),
    });
    expect(lineEventProblems(subject.events)).toEqual([]);
  });

  it('sends DTMF with key_dtmf and refuses transfer with a clear error', async () => {
    subject = await rig('snom');
    await subject.line.start();
    subject.phone.onDial = (call, phone) => phone.remoteAnswer(call);
    await subject.line.execute({ type: 'make_call', callId: 'out-2', target: '420' });
    await waitFor(() => subject!.events.some((e) => e.type === 'answered'), 'answered', 10_000);
    await subject.line.execute({ type: 'dtmf', lineCallId: 'out-2', digits: '12#' });
    expect([...subject.phone.calls.values()][0]!.dtmf).toBe('12#');
    await expect(subject.line.execute({ type: 'transfer', lineCallId: 'out-2', target: '421' })).rejects.toMatchObject({
      code: 'line_error',
      message: expect.stringContaining('transfer is not supported by snom over http'),
    });
  });

  it('refuses a command that would hit the wrong call: keys act on the focused call only', async () => {
    subject = await rig('snom');
    await subject.line.start();
    subject.phone.ringIn('420');
    subject.phone.ringIn('421');
    await waitFor(() => subject!.events.filter((e) => e.type === 'incoming').length === 2, 'two incoming', 10_000);
    const first = subject.events.find((e) => e.type === 'incoming') as { lineCallId: string };
    await expect(subject.line.execute({ type: 'answer', lineCallId: first.lineCallId })).rejects.toMatchObject({
      code: 'wrong_call_state',
      message: expect.stringContaining("acts on the phone's focused call only, and the phone has 2 calls"),
    });
    expect(subject.phone.log.filter((l) => l.url.includes('key=ENTER'))).toEqual([]);
  });

  it('names D8xx when the phone has no /command.htm', async () => {
    subject = await rig('snom');
    await subject.line.start();
    subject.phone.d8xx = true;
    await expect(subject.line.execute({ type: 'make_call', callId: 'out-3', target: '420' })).rejects.toMatchObject({
      code: 'line_error',
      message: expect.stringContaining('Snom D8xx models have no HTTP remote control'),
    });
    expect(subject.events.filter((e) => e.type !== 'status')).toEqual([]);
  });

  it('reports a wrong password as a failed status naming the fix, and keeps retrying', async () => {
    subject = await rig('snom', { settings: { password: 'wrong' } });
    await subject.line.start();
    expect(subject.line.status()).toMatchObject({
      state: 'failed',
      detail: expect.stringMatching(/^401 from the phone: check username and password .*; retrying in \d+ s$/),
    });
    await waitFor(() => subject!.phone.log.filter((l) => l.url === '/index.htm').length >= 2, 'a retry', 10_000);
  });
});

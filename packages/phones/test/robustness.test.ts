import { uuidV7Time } from '@callhook/core';
import { lineEventProblems } from '@callhook/core/conformance';
import { systemClock } from '@callhook/node';
import { waitFor } from '@callhook/test-support';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDriver, DeskPhoneLine } from '../src/index.js';
import { rig, type Rig } from './support/desk-phone-under-test.js';
import { freePort } from './support/free-port.js';

let subject: Rig | null = null;
afterEach(async () => {
  await subject?.close();
  subject = null;
});

const of = (s: Rig, type: string) => s.events.filter((e) => e.type === type);

/** GETs `path` on the line's listener from `localAddress`; resolves with the status. */
function get(url: string, localAddress = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the desk-phone line tolerates what phones send', () => {
  for (const vendor of ['yealink', 'grandstream'] as const) {
    it(`duplicated events give one call with one "incoming", "answered" and "ended" (${vendor})`, async () => {
      subject = await rig(vendor);
      await subject.line.start();
      subject.phone.faults.duplicate = true;
      const call = subject.phone.ringIn('420');
      await waitFor(() => of(subject!, 'incoming').length === 1, 'incoming', 10_000);
      await subject.line.execute({ type: 'answer', lineCallId: (of(subject, 'incoming')[0] as { lineCallId: string }).lineCallId });
      await waitFor(() => of(subject!, 'answered').length === 1, 'answered', 10_000);
      subject.phone.remoteHangup(call);
      await waitFor(() => of(subject!, 'ended').length === 1, 'ended', 10_000);
      await subject.phone.drained();
      expect(subject.phone.sent.every((s) => s.status === 200)).toBe(true);
      expect(of(subject, 'incoming')).toHaveLength(1);
      expect(of(subject, 'ended')).toHaveLength(1);
      expect(lineEventProblems(subject.events)).toEqual([]);
    });
  }

  it('events swapped in pairs (a keypad call and a call in, then both ends) keep the contract', async () => {
    subject = await rig('yealink');
    await subject.line.start();
    subject.phone.faults.reorder = true;
    subject.phone.keypadDial('421');
    const call = subject.phone.ringIn('420');
    await subject.phone.drained();
    subject.phone.flushHeldBack();
    await subject.phone.drained();
    await waitFor(() => of(subject!, 'incoming').length + of(subject!, 'outgoing').length === 2, 'both calls', 10_000);
    subject.phone.remoteHangup(call);
    subject.phone.remoteHangup([...subject.phone.calls.values()][0]!);
    subject.phone.flushHeldBack();
    await waitFor(() => of(subject!, 'ended').length === 2, 'both ended', 10_000);
    expect(lineEventProblems(subject.events)).toEqual([]);
  });

  it('a call whose first events were lost appears on its "connected" as incoming + answered; late events after its end are ignored', async () => {
    subject = await rig('yealink');
    await subject.line.start();
    subject.phone.faults.drop.add('incoming');
    const call = subject.phone.ringIn('420');
    await subject.phone.drained();
    expect(subject.events.filter((e) => e.type !== 'status')).toEqual([]);
    subject.phone.faults.drop.clear();
    // The user picks up at the phone.
    call.state = 'connected';
    (subject.phone as unknown as { fire(e: string, c: unknown): void }).fire('connected', call);
    await waitFor(() => of(subject!, 'answered').length === 1, 'answered', 10_000);
    expect(of(subject, 'incoming')).toEqual([expect.objectContaining({ remoteParty: '420', localParty: '987@example.com' })]);
    subject.phone.remoteHangup(call);
    await waitFor(() => of(subject!, 'ended').length === 1, 'ended', 10_000);
    (subject.phone as unknown as { fire(e: string, c: unknown): void }).fire('connected', call);
    await subject.phone.drained();
    expect(of(subject, 'answered')).toHaveLength(1);
    expect(lineEventProblems(subject.events)).toEqual([]);
  });

  it('ends a call itself when the phone took the hangup but never reports the end', async () => {
    subject = await rig('yealink', { deps: { hangupConfirmMs: 200 } });
    await subject.line.start();
    subject.phone.onDial = (call, phone) => phone.remoteAnswer(call);
    await subject.line.execute({ type: 'make_call', callId: 'out-9', target: '420' });
    await waitFor(() => of(subject!, 'answered').length === 1, 'answered', 10_000);
    subject.phone.faults.drop.add('disconnected').add('idle');
    await subject.line.execute({ type: 'hangup', lineCallId: 'out-9' });
    await waitFor(() => of(subject!, 'ended').length === 1, 'the hangup guard ended the call', 10_000);
    expect(of(subject, 'ended')[0]).toMatchObject({
      by: 'local',
      cause: 'normal',
      detail: expect.stringContaining("took callhook's hangup but sent no end event"),
    });
    expect([...subject.phone.calls.values()][0]!.state).toBe('ended');
  });

  it('gives a call dialled on the keypad a UUID v7 line call id (the engine uses it as the call GUID)', async () => {
    subject = await rig('yealink');
    await subject.line.start();
    subject.phone.keypadDial('+4930123');
    await waitFor(() => of(subject!, 'outgoing').length === 1, 'outgoing', 10_000);
    const outgoing = of(subject, 'outgoing')[0] as { lineCallId: string; remoteParty: string };
    expect(outgoing.lineCallId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Math.abs(uuidV7Time(outgoing.lineCallId) - Date.now())).toBeLessThan(60_000);
    expect(outgoing.remoteParty).toBe('+4930123');
    expect(of(subject, 'alerting')).toHaveLength(1);
  });

  it('answers event URLs only from the phone, under the right secret, and refuses bad events without harm', async () => {
    subject = await rig('yealink');
    await subject.line.start();
    const base = subject.line.eventBase;
    expect(await get(`${base}/incoming?remote=sip:420@x&callid=9`, '127.0.0.2')).toBe(403);
    expect(await get(`${base.replace(/phone\/[^/]+/, 'phone/wrongsecretwrongsecret')}/incoming?remote=420&callid=9`)).toBe(404);
    expect(await get(`${base}/exploded?remote=420`)).toBe(400);
    expect(await get(`${base}/incoming?remote=%ZZ`)).toBe(400);
    expect(subject.events.filter((e) => e.type !== 'status')).toEqual([]);
    expect(await get(`${base}/incoming?remote=sip:420@x&callid=9`)).toBe(200);
    expect(of(subject, 'incoming')).toHaveLength(1);
    expect(subject.line.status().state).toBe('ready');
  });

  it('reports a busy callback port and an unreachable phone as line status with the fix, never a throw', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      subject = await rig('snom', { settings: { callback: { listen: '127.0.0.1', port, url: `http://127.0.0.1:${port}` } } });
      await subject.line.start();
      expect(subject.line.status()).toMatchObject({
        state: 'failed',
        detail: expect.stringContaining(`cannot listen for the phone's events on 127.0.0.1:${port} (EADDRINUSE): pick a free callback.port`),
      });
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
    const nobody = await freePort();
    const settings = { ...subject.settings, url: `http://127.0.0.1:${nobody}`, callback: { ...subject.settings.callback!, port } };
    const line = new DeskPhoneLine(settings, { clock: systemClock, driver: createDriver(settings, { clock: systemClock, timeoutMs: 2_000 }) });
    try {
      await line.start();
      expect(line.status()).toMatchObject({
        state: 'unregistered',
        detail: expect.stringMatching(/cannot reach the phone at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): check the line's url/),
      });
      await expect(line.execute({ type: 'make_call', callId: 'x', target: '420' })).rejects.toMatchObject({ code: 'line_not_ready' });
    } finally {
      await line.stop();
    }
  });
});

import { lineConformanceCases, type LineUnderTest, type RemoteDriver } from '@callhook/core/conformance';
import { sleep, waitFor } from '@callhook/test-support';
import { describe, it } from 'vitest';
import { cstaRig, type FakeCstaPhone } from './support/csta-rig.js';

const REMOTE = 'sip:420@example.com';

/** The far end of a call at the fake uaCSTA phone: answers (Established) and hangs up (ConnectionCleared by the far end). */
function farEnd(phone: FakeCstaPhone) {
  return {
    answer: (callId: string) =>
      phone.sendEvent({
        type: 'Established',
        callId,
        device: phone.device,
        subject: REMOTE,
        calling: phone.device,
        called: REMOTE,
        state: 'connected',
        cause: 'normal',
      }),
    hangUp: (callId: string) => {
      phone.calls.delete(callId);
      return phone.sendEvent({ type: 'ConnectionCleared', callId, device: phone.device, subject: REMOTE, state: 'null', cause: 'normalClearing' });
    },
  };
}

/** The csta desk-phone line with the sip package's fake uaCSTA phone as the remote side. */
async function cstaLineUnderTest(): Promise<LineUnderTest> {
  const subject = await cstaRig();
  const { phone } = subject;
  const far = farEnd(phone);
  const timers: NodeJS.Timeout[] = [];
  const checks: (() => Promise<void>)[] = [];
  const later = (ms: number, work: () => Promise<unknown>) => timers.push(setTimeout(() => void work().catch(() => undefined), ms));
  const remote: RemoteDriver = {
    async expectCall({ hangUpAfterMs }) {
      const seen = phone.requests('MakeCall').length;
      let placed: string | null = null;
      const watch = setInterval(() => {
        if (phone.requests('MakeCall').length <= seen || placed !== null) return;
        clearInterval(watch);
        placed = [...phone.calls.keys()].at(-1) ?? null;
        if (placed === null) return;
        const callId = placed;
        later(50, async () => {
          await far.answer(callId);
          if (hangUpAfterMs !== null) later(hangUpAfterMs, () => far.hangUp(callId));
        });
      }, 10);
      timers.push(watch as unknown as NodeJS.Timeout);
      checks.push(async () => {
        await waitFor(() => placed !== null, 'the phone got MakeCall', 10_000);
        if (hangUpAfterMs !== null) await waitFor(() => !phone.calls.has(placed!), 'the far end hung up', 10_000);
        const request = phone.requests('MakeCall').at(-1)!;
        const calling = (request.fields as Record<string, unknown>)['callingDevice'];
        if (calling !== '987@example.com') throw new Error(`MakeCall callingDevice was ${String(calling)}`);
      });
      return '420';
    },
    async callIn({ hangUpAfterMs }) {
      const callId = await phone.ring(REMOTE);
      const watch = setInterval(() => {
        if (phone.calls.get(callId)?.state !== 'connected') return;
        clearInterval(watch);
        later(hangUpAfterMs, () => far.hangUp(callId));
      }, 10);
      timers.push(watch as unknown as NodeJS.Timeout);
      checks.push(() => waitFor(() => !phone.calls.has(callId), 'the caller hung up after the answer', 10_000));
      return { remoteParty: '420' };
    },
    async finished() {
      for (const check of checks) await check();
    },
  };
  return {
    line: subject.line,
    remote,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await subject.close();
    },
  };
}

describe('the csta desk-phone line keeps the Line contract (fake uaCSTA phone of @callhook/sip)', () => {
  for (const c of lineConformanceCases(cstaLineUnderTest, { sleep: async (ms) => void (await sleep(ms)), timeoutMs: 10_000 })) {
    it(c.name, c.run, 30_000);
  }
});

import { lineConformanceCases, type LineUnderTest, type RemoteDriver } from '@callhook/core/conformance';
import { sleep, waitFor } from '@callhook/test-support';
import { describe, it } from 'vitest';
import type { FakeCall } from '../src/testing/fake-phone.js';
import { rig, type Vendor } from './support/desk-phone-under-test.js';

/** The desk-phone line with a fake phone as the remote side: the far party answers and hangs up as each case scripts. */
function deskPhoneUnderTest(vendor: Vendor): () => Promise<LineUnderTest> {
  return async () => {
    const subject = await rig(vendor);
    const { phone } = subject;
    const timers: NodeJS.Timeout[] = [];
    const checks: (() => Promise<void>)[] = [];
    const remote: RemoteDriver = {
      async expectCall({ hangUpAfterMs }) {
        let placed: FakeCall | null = null;
        phone.onDial = (call) => {
          placed = call;
          timers.push(
            setTimeout(() => {
              phone.remoteAnswer(call);
              if (hangUpAfterMs !== null) timers.push(setTimeout(() => phone.remoteHangup(call), hangUpAfterMs));
            }, 50),
          );
        };
        checks.push(async () => {
          await waitFor(() => placed !== null && placed.state !== 'alerting', 'the phone placed the call and the remote answered', 10_000);
          if (hangUpAfterMs !== null) await waitFor(() => placed?.end === 'remote', 'the remote hung up', 10_000);
          if (placed!.outgoingUri !== null && placed!.outgoingUri !== '987@example.com') throw new Error(`outgoing_uri was ${placed!.outgoingUri}`);
        });
        return '420';
      },
      async callIn({ hangUpAfterMs }) {
        const call = phone.ringIn('420', 'Michael D785');
        const watch = setInterval(() => {
          if (call.state === 'connected') {
            clearInterval(watch);
            timers.push(setTimeout(() => phone.remoteHangup(call), hangUpAfterMs));
          }
        }, 10);
        timers.push(watch as unknown as NodeJS.Timeout);
        checks.push(() => waitFor(() => call.end === 'remote', 'the caller hung up after the answer', 10_000));
        return { remoteParty: '420' };
      },
      async finished() {
        for (const check of checks) await check();
        await phone.drained();
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
  };
}

for (const vendor of ['snom', 'yealink', 'grandstream'] as const) {
  describe(`the desk-phone line keeps the Line contract (fake ${vendor} phone)`, () => {
    for (const c of lineConformanceCases(deskPhoneUnderTest(vendor), { sleep: async (ms) => void (await sleep(ms)), timeoutMs: 10_000 })) {
      it(c.name, c.run, 30_000);
    }
  });
}

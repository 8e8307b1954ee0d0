import { describe, expect, it } from 'vitest';
import { SimulatedLine, type Clock, type TimerHandle } from '../../src/index.js';
import { lineConformanceCases, lineEventProblems, type LineUnderTest } from '../../src/testing/line-conformance.js';

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms) as unknown as TimerHandle,
  clearTimeout: (handle) => clearTimeout(handle as unknown as NodeJS.Timeout),
};
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A simulated line whose remote side is driven by its own methods. */
async function simulatorUnderTest(): Promise<LineUnderTest> {
  const line = new SimulatedLine({ clock: realClock, answerAfterMs: 50 });
  const timers: NodeJS.Timeout[] = [];
  const later = (ms: number, run: () => void) => timers.push(setTimeout(run, ms));
  const hangUpWhenConnected = (ms: number) =>
    line.onEvent((event) => {
      if (event.type === 'answered') later(ms, () => line.callIds().includes(event.lineCallId) && line.remoteHangup(event.lineCallId));
    });
  return {
    line,
    remote: {
      async expectCall({ hangUpAfterMs }) {
        if (hangUpAfterMs !== null) hangUpWhenConnected(hangUpAfterMs);
        return '100';
      },
      async callIn({ hangUpAfterMs }) {
        hangUpWhenConnected(hangUpAfterMs);
        line.incoming('420');
        return { remoteParty: '420' };
      },
      async finished() {},
    },
    async close() {
      timers.forEach(clearTimeout);
      await line.stop();
    },
  };
}

describe('the simulated line keeps the Line contract', () => {
  for (const c of lineConformanceCases(simulatorUnderTest, { sleep })) it(c.name, c.run, 20_000);
});

describe('lineEventProblems', () => {
  it('names each broken rule', () => {
    const party = { remoteParty: '1', localParty: 'sip:2@h' };
    expect(
      lineEventProblems([
        { type: 'answered', lineCallId: 'a' },
        { type: 'incoming', lineCallId: 'b', ...party },
        { type: 'held', lineCallId: 'b', by: 'local' },
        { type: 'answered', lineCallId: 'b' },
        { type: 'answered', lineCallId: 'b' },
        { type: 'resumed', lineCallId: 'b', by: 'local' },
        { type: 'ended', lineCallId: 'b', by: 'local', cause: 'normal' },
        { type: 'held', lineCallId: 'b', by: 'local' },
        { type: 'outgoing', lineCallId: 'c', ...party },
      ]),
    ).toEqual([
      'call a: "answered" before "incoming"/"outgoing"',
      'call b: "held" before "answered"',
      'call b: "answered" twice',
      'call b: "held" after "ended"',
      'call c: no "ended"',
    ]);
  });

  it('allows "quality" only between "answered" and "ended", any number of times, also while held', () => {
    const party = { remoteParty: '1', localParty: 'sip:2@h' };
    const quality = { packetsLost: 0, packetsReceived: 10, jitterMs: 1, rttMs: null, mos: 4.4, codec: 'PCMU' };
    expect(
      lineEventProblems([
        { type: 'incoming', lineCallId: 'a', ...party },
        { type: 'quality', lineCallId: 'a', quality },
        { type: 'answered', lineCallId: 'a' },
        { type: 'quality', lineCallId: 'a', quality },
        { type: 'held', lineCallId: 'a', by: 'remote' },
        { type: 'quality', lineCallId: 'a', quality },
        { type: 'resumed', lineCallId: 'a', by: 'remote' },
        { type: 'quality', lineCallId: 'a', quality },
        { type: 'ended', lineCallId: 'a', by: 'local', cause: 'normal' },
        { type: 'quality', lineCallId: 'a', quality },
      ]),
    ).toEqual(['call a: "quality" before "answered"', 'call a: "quality" after "ended"']);
  });
});

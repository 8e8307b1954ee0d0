import type { LineEvent } from '@callhook/core';
import { SimulatedClock } from '@callhook/test-support';
import { describe, expect, it } from 'vitest';
import type { MediaCounters } from '../src/index.js';
import { QualityReport } from '../src/line/quality-report.js';
import type { SipCall } from '../src/line/sip-call.js';

/** A call as QualityReport reads it: its phase and its stream's counters. */
function fakeCall(counters: Partial<MediaCounters>) {
  const stream = {
    counters: (): MediaCounters => ({
      sentPackets: 0,
      receivedPackets: 0,
      packetsLost: 0,
      packetsExpected: 0,
      jitterMs: 0,
      rttMs: undefined,
      lateTicks: 0,
      bufferMs: 60,
      concealedFrames: 0,
      lateFrames: 0,
      codec: 'PCMU',
      audioRate: 8000,
      encryption: 'none',
      srtpDropped: 0,
      ...counters,
    }),
  };
  return { call: { id: 'c1', phase: 'connected', sdh: { stream } } as unknown as SipCall & { phase: string }, counters };
}

describe('QualityReport (live quality of a connected call)', () => {
  it('reports the stream figures every interval on the injected clock, cumulative, and skips unchanged ones', async () => {
    const clock = new SimulatedClock(0);
    const { call, counters } = fakeCall({ receivedPackets: 250, packetsExpected: 252, packetsLost: 2, jitterMs: 3.2, rttMs: 40 });
    const events: LineEvent[] = [];
    const report = new QualityReport(call, clock, 5_000, (event) => events.push(event));
    await clock.advance(4_999);
    expect(events).toEqual([]);
    await clock.advance(1);
    expect(events).toEqual([
      {
        type: 'quality',
        lineCallId: 'c1',
        quality: { packetsLost: 2, packetsReceived: 250, jitterMs: 3.2, rttMs: 40, mos: expect.any(Number), codec: 'PCMU' },
      },
    ]);
    // The same figures (a silent, held call): nothing new to report.
    await clock.advance(5_000);
    expect(events).toHaveLength(1);
    Object.assign(counters, { receivedPackets: 500, packetsExpected: 502 });
    await clock.advance(5_000);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ type: 'quality', quality: { packetsReceived: 500, packetsLost: 2 } });
    report.stop();
    expect(clock.pendingTimers()).toBe(0);
    Object.assign(counters, { receivedPackets: 750 });
    await clock.advance(20_000);
    expect(events).toHaveLength(2);
  });

  it('stops by itself once the call is no longer connected, and says nothing before a codec is negotiated', async () => {
    const clock = new SimulatedClock(0);
    const { call, counters } = fakeCall({ codec: undefined, receivedPackets: 0 });
    const events: LineEvent[] = [];
    new QualityReport(call, clock, 1_000, (event) => events.push(event));
    await clock.advance(3_000);
    expect(events).toEqual([]);
    Object.assign(counters, { codec: 'PCMA', receivedPackets: 50, packetsExpected: 50 });
    await clock.advance(1_000);
    expect(events).toHaveLength(1);
    call.phase = 'ended';
    Object.assign(counters, { receivedPackets: 100, packetsExpected: 100 });
    await clock.advance(5_000);
    expect(events).toHaveLength(1);
    expect(clock.pendingTimers()).toBe(0);
  });
});

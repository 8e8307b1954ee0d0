import { describe, expect, it } from 'vitest';
import { Retransmitter } from '../src/index.js';
import { SimulatedClock } from '@callhook/test-support';

async function run(track: (retransmitter: Retransmitter, resend: () => void) => void, untilMs: number) {
  const clock = new SimulatedClock(0);
  const retransmitter = new Retransmitter(clock);
  const sentAt: number[] = [];
  track(retransmitter, () => sentAt.push(clock.now()));
  await clock.advance(untilMs);
  return { sentAt, retransmitter, clock };
}

describe('Retransmitter (RFC 3261 §17 over UDP)', () => {
  it('retransmits a non-INVITE request at T1 doubling up to T2, until 64*T1', async () => {
    const { sentAt, retransmitter } = await run((r, resend) => r.trackRequest('b1 REGISTER', 'REGISTER', resend), 40_000);
    expect(sentAt.slice(0, 6)).toEqual([500, 1_500, 3_500, 7_500, 11_500, 15_500]);
    expect(sentAt.at(-1)).toBeLessThanOrEqual(32_000);
    expect(retransmitter.size).toBe(0);
  });

  it('retransmits an INVITE with unbounded doubling and stops on a provisional response', async () => {
    const clock = new SimulatedClock(0);
    const retransmitter = new Retransmitter(clock);
    const sentAt: number[] = [];
    retransmitter.trackRequest('b2 INVITE', 'INVITE', () => sentAt.push(clock.now()));
    await clock.advance(16_000);
    // Capped at T2 the fifth send would come at 11.5 s; INVITE keeps doubling.
    expect(sentAt).toEqual([500, 1_500, 3_500, 7_500, 15_500]);
    retransmitter.responseReceived('b2 INVITE', 180);
    await clock.advance(60_000);
    expect(sentAt).toHaveLength(5);
  });

  it('keeps a non-INVITE going at T2 after a provisional response, stops on the final one', async () => {
    const clock = new SimulatedClock(0);
    const retransmitter = new Retransmitter(clock);
    const sentAt: number[] = [];
    retransmitter.trackRequest('b3 BYE', 'BYE', () => sentAt.push(clock.now()));
    await clock.advance(600);
    retransmitter.responseReceived('b3 BYE', 100);
    await clock.advance(9_000);
    expect(sentAt).toEqual([500, 1_500, 5_500, 9_500]);
    retransmitter.responseReceived('b3 BYE', 200);
    await clock.advance(20_000);
    expect(sentAt).toHaveLength(4);
  });

  it('retransmits a non-2xx INVITE response until the ACK', async () => {
    const clock = new SimulatedClock(0);
    const retransmitter = new Retransmitter(clock);
    const sentAt: number[] = [];
    retransmitter.trackResponse('b4 INVITE', () => sentAt.push(clock.now()));
    await clock.advance(3_600);
    retransmitter.ackReceived('b4 INVITE');
    await clock.advance(30_000);
    expect(sentAt).toEqual([500, 1_500, 3_500]);
  });

  it('keeps a CANCEL apart from its INVITE (same branch, other method)', async () => {
    const clock = new SimulatedClock(0);
    const retransmitter = new Retransmitter(clock);
    const sent: string[] = [];
    retransmitter.trackRequest('b5 INVITE', 'INVITE', () => sent.push('invite'));
    retransmitter.trackRequest('b5 CANCEL', 'CANCEL', () => sent.push('cancel'));
    retransmitter.responseReceived('b5 CANCEL', 200);
    await clock.advance(600);
    expect(sent).toEqual(['invite']);
  });
});

import { SimulatedClock } from '@callhook/test-support';
import { parseTarget, SimulatedLine, type LineEvent } from '@callhook/core';
import { describe, expect, it } from 'vitest';
import { dialTarget } from '../src/line/target-uri.js';

const settings = { aor: 'sip:303@pbx.test' };

describe('the SIP line dials what core normalised', () => {
  it.each([
    ['tel:+4930123460', 'sip:+4930123460@pbx.test', '+4930123460'],
    ['+41 (0)31 123 21 21', 'sip:+41311232121@pbx.test', '+41311232121'],
    ['*31#0900123', 'sip:*31%230900123@pbx.test', '*31#0900123'],
    ['sip:%2B49-30-1@h', 'sip:%2B49-30-1@h', '+49301'],
    ['bob@10.0.0.1', 'sip:bob@10.0.0.1', 'bob'],
  ])('%s → %s, party %s', (target, uri, party) => {
    expect(dialTarget(target, settings)).toEqual({ uri, remoteParty: party });
  });

  it('refuses postdial DTMF and bad targets with invalid_target instead of dropping them', () => {
    expect(() => dialTarget('+12015550123p1234', settings)).toThrow(
      expect.objectContaining({ code: 'invalid_target', message: expect.stringMatching(/postdial/) }),
    );
    expect(() => dialTarget('tel:+1-201-555-0123;isub=1', settings)).toThrow(expect.objectContaining({ code: 'invalid_target' }));
    expect(() => dialTarget('+0900', settings)).toThrow(expect.objectContaining({ code: 'invalid_target' }));
  });

  it('reports the same remote party as the simulated line for the same target', async () => {
    const clock = new SimulatedClock(0);
    const sim = new SimulatedLine({ clock, answerAfterMs: null });
    await sim.start();
    const parties: string[] = [];
    sim.onEvent((event: LineEvent) => {
      if (event.type === 'outgoing') parties.push(event.remoteParty);
    });
    const targets = ['tel:+4930123460', '+49 30 123460', 'sip:alice@pbx', 'sip:%2530900@x', '*31#+4930123'];
    for (const [i, target] of targets.entries()) await sim.execute({ type: 'make_call', callId: `c${i}`, target: parseTarget(target) });
    expect(parties).toEqual(targets.map((target) => dialTarget(parseTarget(target), settings).remoteParty));
    expect(parties[0]).toBe('+4930123460');
  });
});

describe('SIP user names', () => {
  it("dials a bare user name at the line's domain, and a number with a pause is still refused as postdial", () => {
    expect(dialTarget('alice403', settings)).toEqual({ uri: 'sip:alice403@pbx.test', remoteParty: 'alice403' });
    expect(() => dialTarget('0301234p1', settings)).toThrow(/postdial/);
  });
});

import { describe, expect, it } from 'vitest';
import { describeQuality } from '../src/commands/tail.js';

describe('callhook tail: live call quality', () => {
  it('prints MOS, loss in percent, jitter and RTT of a quality event', () => {
    expect(describeQuality({ packetsLost: 2, packetsReceived: 498, jitterMs: 3.14, rttMs: 14.4, mos: 4.381, codec: 'PCMU' })).toBe(
      'MOS 4.38 loss 0.4 % jitter 3.1 ms RTT 14 ms',
    );
  });

  it('shows a dash for figures not known yet', () => {
    expect(describeQuality({ packetsLost: 0, packetsReceived: 0, jitterMs: 0, rttMs: null, mos: null, codec: 'PCMU' })).toBe(
      'MOS – loss – jitter 0.0 ms RTT –',
    );
    expect(describeQuality(null)).toBe('no figures');
  });
});

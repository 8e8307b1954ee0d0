import { describe, expect, it } from 'vitest';
import { dominantFrequency, rms, sine } from '../src/index.js';

describe('dominantFrequency', () => {
  it('finds a sine within one bin, over the largest power-of-two window by default', () => {
    // 10 000 samples: the window is 8192, a bin 8000 / 8192 Hz wide.
    expect(Math.abs(dominantFrequency(sine(1000, 8000, 1.25), 8000) - 1000)).toBeLessThan(8000 / 8192);
    expect(Math.abs(dominantFrequency(sine(440, 48_000, 0.5), 48_000) - 440)).toBeLessThan(48_000 / 16_384);
  });

  it('reads the window from `from`: a tone that changes is told apart by where it is read', () => {
    const samples = new Int16Array(16_000);
    for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * (i < 8000 ? 600 : 1000) * i) / 8000));
    expect(Math.abs(dominantFrequency(samples, 8000, 0, 4096) - 600)).toBeLessThan(2);
    expect(Math.abs(dominantFrequency(samples, 8000, 8000, 4096) - 1000)).toBeLessThan(2);
  });

  it('counts samples past the end of a given window as silence, and refuses too few samples or a window that is no power of two', () => {
    expect(Math.abs(dominantFrequency(sine(1000, 8000, 0.1), 8000, 0, 4096) - 1000)).toBeLessThan(8000 / 800);
    expect(() => dominantFrequency(sine(1000, 8000, 0.005), 8000)).toThrow(/at least 64 samples/);
    expect(() => dominantFrequency(sine(1000, 8000, 1), 8000, 0, 1000)).toThrow(/power of two/);
  });
});

describe('rms and sine', () => {
  it('gives a sine of amplitude a an RMS of a/√2, and silence 0', () => {
    expect(rms(sine(1000, 8000, 1, 0.5))).toBeCloseTo(0.5 / Math.SQRT2, 3);
    expect(rms(new Float32Array(0))).toBe(0);
    expect(sine(1000, 8000, 0.5)).toHaveLength(4000);
  });
});

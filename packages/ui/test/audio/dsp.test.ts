import { describe, expect, it } from 'vitest';
import { Int16Framer, floatToInt16, int16ToFloat } from '../../src/audio/framer.js';
import { measureLevel, meterValue } from '../../src/audio/level.js';
import { PlayoutBuffer } from '../../src/audio/playout-buffer.js';
import { Resampler } from '../../src/audio/resampler.js';
import { ringCycle, RING_TONE } from '../../src/audio/ring-tone.js';
import { dominantFrequency, rms, sine } from '@callhook/test-support';

/** Feeds `input` in blocks of 128 (as a worklet does) and joins the output. */
function resampleInBlocks(resampler: Resampler, input: Float32Array): Float32Array {
  const parts: Float32Array[] = [];
  for (let i = 0; i < input.length; i += 128) parts.push(resampler.process(input.subarray(i, i + 128)));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

describe('Resampler', () => {
  it.each([
    [48_000, 8_000],
    [48_000, 16_000],
    [44_100, 8_000],
    [8_000, 48_000],
    [16_000, 44_100],
  ])('%i Hz → %i Hz keeps a 1 kHz tone at 1 kHz, its level, and the sample count', (inRate, outRate) => {
    const out = resampleInBlocks(new Resampler(inRate, outRate), sine(1000, inRate, 1));
    expect(Math.abs(out.length - outRate)).toBeLessThanOrEqual(Math.ceil(outRate / 100));
    const steady = out.subarray(Math.floor(outRate / 10));
    expect(Math.abs(dominantFrequency(steady, outRate) - 1000)).toBeLessThan(outRate / 512);
    expect(rms(steady)).toBeCloseTo(0.5 / Math.SQRT2, 1);
  });

  it('removes what the lower rate cannot carry instead of folding it back (6 kHz at 48 → 8 kHz)', () => {
    const out = resampleInBlocks(new Resampler(48_000, 8_000), sine(6000, 48_000, 1));
    // Without a low-pass, 6 kHz would alias to 2 kHz at full level.
    expect(rms(out.subarray(800))).toBeLessThan(0.01);
  });

  it('passes samples through unchanged when the rates are equal', () => {
    const input = sine(440, 8000, 0.1);
    expect(new Resampler(8000, 8000).process(input)).toEqual(input);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new Resampler(0, 8000)).toThrow(RangeError);
  });
});

describe('Int16Framer', () => {
  it('cuts any block sizes into frames of exactly the frame size, in order', () => {
    const framer = new Int16Framer(160);
    const frames: Int16Array[] = [];
    const input = new Float32Array(500).map((_, i) => (i % 100) / 100);
    framer.push(input.subarray(0, 7), (f) => frames.push(f));
    framer.push(input.subarray(7, 333), (f) => frames.push(f));
    framer.push(input.subarray(333), (f) => frames.push(f));
    expect(frames.map((f) => f.length)).toEqual([160, 160, 160]);
    expect(frames[1]![0]).toBe(floatToInt16(input[160]!));
    expect(frames[0]).not.toBe(frames[1]);
  });

  it('clips and converts both ways', () => {
    expect([floatToInt16(2), floatToInt16(-2), floatToInt16(0.5)]).toEqual([32767, -32767, 16384]);
    expect(int16ToFloat(new Int16Array([-32768, 0, 16384]))).toEqual(new Float32Array([-1, 0, 0.5]));
  });
});

describe('PlayoutBuffer', () => {
  const block = (n: number, value: number) => new Float32Array(n).fill(value);

  it('stays silent until the prebuffer is queued, then plays in order', () => {
    const buffer = new PlayoutBuffer(1000, 300);
    const out = new Float32Array(128);
    buffer.write(block(200, 0.1));
    buffer.read(out);
    expect(out.every((s) => s === 0)).toBe(true);
    buffer.write(block(200, 0.2));
    buffer.read(out);
    expect([out[0], out[127]]).toEqual([Math.fround(0.1), Math.fround(0.1)]);
    expect(buffer.queued).toBe(272);
  });

  it('counts an underrun, fills with silence, and primes again', () => {
    const buffer = new PlayoutBuffer(1000, 100);
    const out = new Float32Array(128);
    buffer.write(block(100, 0.5));
    buffer.read(out);
    expect(buffer.underruns).toBe(1);
    expect([out[99], out[100]]).toEqual([0.5, 0]);
    buffer.write(block(50, 0.5));
    buffer.read(out);
    expect(out[0]).toBe(0);
    expect(buffer.underruns).toBe(1);
  });

  it('never holds more than its capacity: the oldest samples go and are counted', () => {
    const buffer = new PlayoutBuffer(256, 0);
    buffer.write(block(200, 0.1));
    buffer.write(block(200, 0.2));
    expect(buffer.queued).toBe(256);
    expect(buffer.overflowSamples).toBe(144);
    const out = new Float32Array(256);
    buffer.read(out);
    expect(out[0]).toBe(Math.fround(0.1));
    expect(out[56]).toBe(Math.fround(0.2));
    buffer.write(block(1000, 0.3));
    expect(buffer.queued).toBe(256);
    expect(buffer.overflowSamples).toBe(144 + 744);
  });
});

describe('levels and the ring tone', () => {
  it('measures RMS and peak, and maps them onto a dB meter', () => {
    expect(measureLevel(sine(1000, 8000, 0.1, 0.5))).toMatchObject({ peak: expect.closeTo(0.5, 2), rms: expect.closeTo(0.354, 2) });
    expect([meterValue(0), meterValue(1), meterValue(10 ** (-30 / 20)), meterValue(0.0001)]).toEqual([0, 1, expect.closeTo(0.5, 5), 0]);
  });

  it('rings 440 + 480 Hz for two seconds, then is silent for four', () => {
    const cycle = ringCycle(8000);
    expect(cycle.length).toBe(6 * 8000);
    const on = cycle.subarray(100, 2 * 8000 - 100);
    expect(RING_TONE.frequencies).toContain(Math.round(dominantFrequency(on, 8000) / 10) * 10);
    expect(rms(on)).toBeGreaterThan(0.1);
    expect(rms(cycle.subarray(2 * 8000))).toBe(0);
  });
});

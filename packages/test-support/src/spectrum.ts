/**
 * The frequency (Hz) with the most energy in `samples` taken at `sampleRate` Hz: a radix-2 FFT with a
 * Hann window over `size` samples from `from`, DC bin skipped. Resolution: sampleRate / size.
 * `size` (a power of two) defaults to the largest power of two the samples from `from` fill, at least
 * 64; given, samples past the end count as silence.
 */
export function dominantFrequency(samples: ArrayLike<number>, sampleRate: number, from = 0, size?: number): number {
  let n = size ?? 1;
  if (size === undefined) {
    while (n * 2 <= samples.length - from) n *= 2;
    if (n < 64) throw new Error(`need at least 64 samples for a spectrum, got ${samples.length - from}`);
  } else if (size < 2 || (size & (size - 1)) !== 0) {
    throw new Error(`the window must be a power of two, got ${size}`);
  }
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) re[i] = Number(samples[from + i] ?? 0) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  fft(re, im);
  let best = 1;
  let bestPower = -1;
  for (let k = 1; k < n / 2; k++) {
    const power = re[k]! * re[k]! + im[k]! * im[k]!;
    if (power > bestPower) [best, bestPower] = [k, power];
  }
  return (best * sampleRate) / n;
}

/** In-place iterative radix-2 FFT; `re.length` must be a power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= n; size *= 2) {
    const angle = (-2 * Math.PI) / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < size / 2; k++) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const a = start + k;
        const b = a + size / 2;
        const tr = re[b]! * wr - im[b]! * wi;
        const ti = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

/** Root mean square of `samples` (same unit as the samples). */
export function rms(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += Number(samples[i]) ** 2;
  return samples.length === 0 ? 0 : Math.sqrt(sum / samples.length);
}

/** `seconds` of a sine at `frequency` Hz, amplitude `amplitude` (0..1), at `sampleRate` Hz. */
export function sine(frequency: number, sampleRate: number, seconds: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  return out;
}

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import wavefile from 'wavefile';
import { requirePeer } from './peers.js';

/** A WAV file's channels as 16-bit PCM and its rate. */
export interface DecodedWav {
  sampleRate: number;
  channels: Int16Array[];
  /** Length in ms. */
  durationMs: number;
}

export function readWav(path: string): DecodedWav {
  const wav = new wavefile.WaveFile(readFileSync(path));
  const fmt = wav.fmt as { sampleRate: number; numChannels: number };
  const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array | Int16Array[];
  const channels = Array.isArray(samples) ? samples : [samples];
  return { sampleRate: fmt.sampleRate, channels, durationMs: ((channels[0]?.length ?? 0) * 1000) / fmt.sampleRate };
}

/** Makes a mono 16-bit sine WAV with sox (`synth … sine`). */
export function makeToneWav(path: string, options: { hz: number; seconds: number; rate: number; channels?: number }): void {
  const sox = requirePeer('sox');
  execFileSync(sox, [
    '-n',
    '-r',
    String(options.rate),
    '-c',
    String(options.channels ?? 1),
    '-b',
    '16',
    path,
    'synth',
    String(options.seconds),
    'sine',
    String(options.hz),
    'vol',
    '0.5',
  ]);
}

/** Radix-2 FFT magnitude peak: the dominant frequency (Hz) of `samples[from, from + 4096)`. */
export function dominantFrequency(samples: Int16Array, sampleRate: number, from = 0, size = 4096): number {
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (size - 1));
    re[i] = (samples[from + i] ?? 0) * hann;
  }
  for (let i = 1, j = 0; i < size; i++) {
    let bit = size >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let length = 2; length <= size; length <<= 1) {
    const angle = (-2 * Math.PI) / length;
    for (let start = 0; start < size; start += length) {
      for (let k = 0; k < length / 2; k++) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const a = start + k;
        const b = a + length / 2;
        const tr = re[b]! * wr - im[b]! * wi;
        const ti = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
  let best = 1;
  let bestPower = 0;
  for (let bin = 1; bin < size / 2; bin++) {
    const power = re[bin]! ** 2 + im[bin]! ** 2;
    if (power > bestPower) {
      bestPower = power;
      best = bin;
    }
  }
  return (best * sampleRate) / size;
}

/** Sample ranges [start, end) where |sample| stays above `threshold` — the parts with sound. */
export function soundSpan(samples: Int16Array, threshold = 500): { first: number; last: number } | undefined {
  let first = -1;
  let last = -1;
  for (let i = 0; i < samples.length; i++) {
    if (Math.abs(samples[i]!) > threshold) {
      if (first === -1) first = i;
      last = i;
    }
  }
  return first === -1 ? undefined : { first, last };
}

/** The longest run of samples (between the first and last sound) that stays within ±`threshold`. */
export function longestGap(samples: Int16Array, threshold = 50): number {
  const span = soundSpan(samples, threshold);
  if (!span) return samples.length;
  let longest = 0;
  let run = 0;
  for (let i = span.first; i <= span.last; i++) {
    if (Math.abs(samples[i]!) <= threshold) longest = Math.max(longest, ++run);
    else run = 0;
  }
  return longest;
}

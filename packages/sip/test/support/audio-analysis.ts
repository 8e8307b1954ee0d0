import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dominantFrequency as spectrumPeak } from '@callhook/test-support';
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

/** The dominant frequency (Hz) of `samples[from, from + size)`: @callhook/test-support's FFT over a fixed 4096-sample window. */
export function dominantFrequency(samples: Int16Array, sampleRate: number, from = 0, size = 4096): number {
  return spectrumPeak(samples, sampleRate, from, size);
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

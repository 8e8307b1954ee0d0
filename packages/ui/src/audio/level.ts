/** Loudness of a block of float samples ([-1, 1]). */
export interface Level {
  /** Root mean square, 0..1. */
  rms: number;
  /** Largest absolute sample, 0..1. */
  peak: number;
}

export function measureLevel(samples: Float32Array): Level {
  let sum = 0;
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    sum += s * s;
    const a = Math.abs(s);
    if (a > peak) peak = a;
  }
  return { rms: samples.length === 0 ? 0 : Math.sqrt(sum / samples.length), peak };
}

/** The meter's floor in dBFS: quieter reads as 0. */
export const METER_FLOOR_DB = -60;

/** An RMS value (0..1) as a meter position 0..1 on a dB scale from `METER_FLOOR_DB` to 0 dBFS. */
export function meterValue(rms: number): number {
  if (!(rms > 0)) return 0;
  const db = 20 * Math.log10(rms);
  return Math.min(1, Math.max(0, (db - METER_FLOOR_DB) / -METER_FLOOR_DB));
}

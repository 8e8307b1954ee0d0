/**
 * Rate conversion by 2 between 8 kHz and 16 kHz PCM — G.722 on a call whose audio runs at 8 kHz, or
 * G.711 on one at 16 kHz (`rate-adapter.ts`):
 * a linear-phase halfband FIR low-pass (63 taps, Kaiser window β 6.5; its response computed from the
 * taps: 0.00 dB to 3.4 kHz, −0.18 dB at 3.6 kHz, −6 dB at 4 kHz, −66 dB at 4.6 kHz and below −76 dB
 * from 5 kHz; a windowed-sinc design with J. F. Kaiser's window). Both directions keep their filter state across calls, so a call's audio is
 * converted frame by frame without clicks at the 20 ms frame edges. (The wave-resampler package that
 * wavefile uses for prompts converts whole buffers only, with no state to carry between frames.)
 * Delay: 15.5 samples at 8 kHz (about 2 ms).
 */

/** Half the filter length: taps run from −HALF to +HALF around the centre. */
const HALF = 31;
const BETA = 6.5;

/** Zeroth-order modified Bessel function of the first kind (power series), for the Kaiser window. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 40; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
  }
  return sum;
}

/** h[k] for k = −HALF … HALF: the ideal halfband response sin(πk/2)/(πk) under a Kaiser window. */
function halfband(k: number): number {
  if (k === 0) return 0.5;
  if (k % 2 === 0) return 0;
  const window = besselI0(BETA * Math.sqrt(1 - (k / HALF) ** 2)) / besselI0(BETA);
  return (Math.sin((Math.PI * k) / 2) / (Math.PI * k)) * window;
}

/**
 * The non-zero off-centre taps h[2i − HALF] for i = 0 … 15 (all at odd offsets, since HALF is odd); the
 * other half mirrors them (h[−k] = h[k]), so each is applied once to the sum of its two samples.
 */
const ODD_TAPS = Float64Array.from({ length: (HALF + 1) / 2 }, (_, i) => halfband(2 * i - HALF));

function toInt16(value: number): number {
  const rounded = Math.round(value);
  return rounded > 32_767 ? 32_767 : rounded < -32_768 ? -32_768 : rounded;
}

/** 8 kHz → 16 kHz: zero-stuffing then the halfband low-pass (gain 2), in polyphase form. */
export class Interpolator {
  /** The last HALF input samples, oldest first. */
  private readonly history = new Float64Array(HALF);

  /** Returns twice as many samples as it is given. */
  process(input: Int16Array): Int16Array {
    const buffer = new Float64Array(HALF + input.length);
    buffer.set(this.history);
    buffer.set(input, HALF);
    const out = new Int16Array(input.length * 2);
    for (let m = 0; m < input.length; m++) {
      const now = HALF + m;
      let sum = 0;
      for (let i = 0; i < ODD_TAPS.length; i++) sum += ODD_TAPS[i]! * (buffer[now - i]! + buffer[now - HALF + i]!);
      // Even outputs take the odd-offset taps; odd outputs fall on the centre tap (2 · 0.5) alone.
      out[2 * m] = toInt16(2 * sum);
      out[2 * m + 1] = toInt16(buffer[now - (HALF - 1) / 2]!);
    }
    this.history.set(buffer.subarray(buffer.length - HALF));
    return out;
  }
}

/** 16 kHz → 8 kHz: the halfband low-pass then every second sample, computing only the kept ones. */
export class Decimator {
  /** The last 2·HALF input samples, oldest first. */
  private readonly history = new Float64Array(2 * HALF);

  /** Returns half as many samples as it is given (an even number). */
  process(input: Int16Array): Int16Array {
    if (input.length % 2 !== 0) throw new RangeError(`Decimator.process takes an even number of samples, got ${input.length}`);
    const buffer = new Float64Array(2 * HALF + input.length);
    buffer.set(this.history);
    buffer.set(input, 2 * HALF);
    const out = new Int16Array(input.length / 2);
    for (let m = 0; m < out.length; m++) {
      const now = 2 * HALF + 2 * m + 1;
      let sum = 0.5 * buffer[now - HALF]!;
      for (let i = 0; i < ODD_TAPS.length; i++) sum += ODD_TAPS[i]! * (buffer[now - 2 * i]! + buffer[now - 2 * HALF + 2 * i]!);
      out[m] = toInt16(sum);
    }
    this.history.set(buffer.subarray(buffer.length - 2 * HALF));
    return out;
  }
}

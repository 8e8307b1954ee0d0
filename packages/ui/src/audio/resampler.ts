/**
 * A streaming sample-rate converter: band-limited (windowed-sinc) interpolation, so downsampling
 * 48 kHz to 8 kHz does not fold the microphone's high frequencies into the call. Mono, float samples
 * in [-1, 1]. The kernel is tabulated once; each output sample is a dot product over `2 × zeroCrossings
 * / cutoff` input samples.
 */
export class Resampler {
  private readonly step: number;
  private readonly cutoff: number;
  private readonly halfWidth: number;
  private readonly table: Float32Array;
  private history: Float32Array;
  private length: number;
  /** Position of the next output sample, in input samples from the start of `history`. */
  private position: number;

  /**
   * @param inRate input sample rate in Hz
   * @param outRate output sample rate in Hz
   * @param zeroCrossings kernel half-length in zero crossings of the sinc (quality vs. cost)
   */
  constructor(
    readonly inRate: number,
    readonly outRate: number,
    private readonly zeroCrossings = 8,
  ) {
    if (!(inRate > 0 && outRate > 0)) throw new RangeError(`sample rates must be positive (got ${inRate} → ${outRate})`);
    this.step = inRate / outRate;
    // A little below the lower Nyquist frequency, so the transition band stays below it.
    this.cutoff = Math.min(1, outRate / inRate) * 0.92;
    this.halfWidth = Math.ceil(zeroCrossings / this.cutoff);
    this.table = kernelTable(zeroCrossings, TABLE_RESOLUTION);
    this.history = new Float32Array(4 * this.halfWidth + 1024);
    // Start with the kernel's half-width of silence, so the first output sample is the first input sample.
    this.length = this.halfWidth;
    this.position = this.halfWidth;
  }

  /** Converts the next chunk; the output has about `input.length × outRate / inRate` samples. */
  process(input: Float32Array): Float32Array {
    if (this.inRate === this.outRate) return input.slice();
    this.append(input);
    const available = Math.max(0, Math.floor((this.length - this.halfWidth - this.position) / this.step) + 1);
    const out = new Float32Array(available);
    let produced = 0;
    while (produced < available && this.position + this.halfWidth < this.length) {
      out[produced++] = this.sampleAt(this.position);
      this.position += this.step;
    }
    this.discardConsumed();
    return produced === available ? out : out.subarray(0, produced);
  }

  private sampleAt(t: number): number {
    const first = Math.max(0, Math.floor(t) - this.halfWidth + 1);
    const last = Math.min(this.length - 1, Math.floor(t) + this.halfWidth);
    const scale = this.cutoff * TABLE_RESOLUTION;
    const limit = this.zeroCrossings * TABLE_RESOLUTION;
    let sum = 0;
    for (let k = first; k <= last; k++) {
      const x = Math.abs(t - k) * scale;
      if (x >= limit) continue;
      const index = Math.floor(x);
      const frac = x - index;
      const weight = this.table[index]! + (this.table[index + 1]! - this.table[index]!) * frac;
      sum += this.history[k]! * weight;
    }
    return sum * this.cutoff;
  }

  private append(input: Float32Array): void {
    if (this.length + input.length > this.history.length) {
      const grown = new Float32Array(Math.max(this.history.length * 2, this.length + input.length));
      grown.set(this.history.subarray(0, this.length));
      this.history = grown;
    }
    this.history.set(input, this.length);
    this.length += input.length;
  }

  /** Drops input samples no future output sample reaches. */
  private discardConsumed(): void {
    const keepFrom = Math.floor(this.position) - this.halfWidth;
    if (keepFrom <= 0) return;
    this.history.copyWithin(0, keepFrom, this.length);
    this.length -= keepFrom;
    this.position -= keepFrom;
  }
}

/** Table points per zero crossing. */
const TABLE_RESOLUTION = 512;

/** sinc(x) × Blackman window on [0, zeroCrossings], `resolution` points per unit, plus one guard point. */
function kernelTable(zeroCrossings: number, resolution: number): Float32Array {
  const size = zeroCrossings * resolution + 2;
  const table = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const x = i / resolution;
    if (x >= zeroCrossings) break;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const w = 0.42 + 0.5 * Math.cos((Math.PI * x) / zeroCrossings) + 0.08 * Math.cos((2 * Math.PI * x) / zeroCrossings);
    table[i] = sinc * w;
  }
  return table;
}

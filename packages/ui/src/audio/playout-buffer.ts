/**
 * The playback side's small bounded buffer of float samples. Playback starts once `prebuffer`
 * samples are queued (so frames arriving a little late do not click), stops and re-primes when it
 * runs dry (an underrun), and a write beyond `capacity` drops the oldest samples (an overflow), so
 * the delay never grows past `capacity` samples.
 */
export class PlayoutBuffer {
  private readonly ring: Float32Array;
  private readIndex = 0;
  private size = 0;
  private playing = false;
  /** Reads that found too few samples while playing. */
  underruns = 0;
  /** Samples dropped because the buffer was full. */
  overflowSamples = 0;

  /**
   * @param capacity most samples held (e.g. 120 ms at the context rate)
   * @param prebuffer samples queued before playback (re)starts; at most `capacity`
   */
  constructor(
    readonly capacity: number,
    readonly prebuffer: number,
  ) {
    if (!(capacity > 0 && prebuffer >= 0 && prebuffer <= capacity))
      throw new RangeError(`bad playout buffer sizes (capacity ${capacity}, prebuffer ${prebuffer})`);
    this.ring = new Float32Array(capacity);
  }

  /** Samples queued now. */
  get queued(): number {
    return this.size;
  }

  write(samples: Float32Array): void {
    let input = samples;
    if (input.length > this.capacity) {
      this.overflowSamples += input.length - this.capacity;
      input = input.subarray(input.length - this.capacity);
    }
    const excess = this.size + input.length - this.capacity;
    if (excess > 0) {
      this.overflowSamples += excess;
      this.readIndex = (this.readIndex + excess) % this.capacity;
      this.size -= excess;
    }
    let writeIndex = (this.readIndex + this.size) % this.capacity;
    for (let i = 0; i < input.length; i++) {
      this.ring[writeIndex] = input[i]!;
      writeIndex = writeIndex + 1 === this.capacity ? 0 : writeIndex + 1;
    }
    this.size += input.length;
  }

  /** Fills `out` from the buffer; silence while priming or after an underrun. */
  read(out: Float32Array): void {
    if (!this.playing && this.size >= Math.max(this.prebuffer, 1)) this.playing = true;
    if (!this.playing) return void out.fill(0);
    const n = Math.min(out.length, this.size);
    for (let i = 0; i < n; i++) {
      out[i] = this.ring[this.readIndex]!;
      this.readIndex = this.readIndex + 1 === this.capacity ? 0 : this.readIndex + 1;
    }
    this.size -= n;
    if (n < out.length) {
      out.fill(0, n);
      this.underruns += 1;
      this.playing = false;
    }
  }
}

/**
 * Cuts a stream of float samples ([-1, 1]) into 16-bit frames of a fixed size: what the capture
 * worklet sends, one `Int16Array` of `frameSamples` samples per 20 ms.
 */
export class Int16Framer {
  private frame: Int16Array;
  private filled = 0;

  constructor(readonly frameSamples: number) {
    if (!(Number.isInteger(frameSamples) && frameSamples > 0)) throw new RangeError(`frame size must be a positive integer (got ${frameSamples})`);
    this.frame = new Int16Array(frameSamples);
  }

  /** Adds samples; calls `emit` with each frame as it fills (a fresh array each time, safe to transfer). */
  push(samples: Float32Array, emit: (frame: Int16Array) => void): void {
    for (let i = 0; i < samples.length; i++) {
      this.frame[this.filled++] = floatToInt16(samples[i]!);
      if (this.filled === this.frameSamples) {
        emit(this.frame);
        this.frame = new Int16Array(this.frameSamples);
        this.filled = 0;
      }
    }
  }
}

/** A float sample in [-1, 1] as 16-bit PCM, clipped. */
export function floatToInt16(sample: number): number {
  const clipped = sample > 1 ? 1 : sample < -1 ? -1 : sample;
  return Math.round(clipped * 32767);
}

/** 16-bit PCM as float samples in [-1, 1). */
export function int16ToFloat(frame: Int16Array): Float32Array {
  const out = new Float32Array(frame.length);
  for (let i = 0; i < frame.length; i++) out[i] = frame[i]! / 32768;
  return out;
}

import { Concealment } from './concealment.js';

/** Bounds of the adaptive playout delay, in 20 ms frames. */
export interface JitterBufferLimits {
  /** Smallest playout delay (frames); 3 = 60 ms. */
  minFrames: number;
  /** Largest playout delay (frames); older frames are dropped past it. */
  maxFrames: number;
}

export const DEFAULT_JITTER_LIMITS: JitterBufferLimits = { minFrames: 3, maxFrames: 15 };
/** Frames in a row without late arrival after which the target delay may shrink by one frame. */
const SHRINK_AFTER = 250;
/** Concealed frames in a row with an empty buffer after which playout stops and buffers again. */
const REBUFFER_AFTER = 25;

/** What one `pull` gives: a decoded frame, a concealed one, or nothing (play silence). */
export type Pulled = { frame: Int16Array; kind: 'audio' | 'concealed' } | undefined;

/**
 * Adaptive, bounded jitter buffer of decoded 20 ms frames indexed by their unwrapped frame number
 * (RTP timestamp / samples per frame, RFC 3550 §5.1). The media clock pulls one frame per 20 ms.
 *
 * Playout starts once `target` frames are buffered. A frame missing at its turn while later ones
 * are waiting is lost: it is concealed (`Concealment`) and playout moves on. With nothing waiting
 * (underrun) playout stretches: it conceals without moving on, so the late frame still plays, and the
 * target grows by one frame; after `REBUFFER_AFTER` frames of underrun it buffers again. A frame
 * arriving after its turn was passed is late: counted, dropped, and the target grows by one frame
 * (up to `maxFrames`). The target also follows the measured interarrival jitter (3 J + one
 * frame) and shrinks by one frame after `SHRINK_AFTER` frames without a late one, dropping a frame.
 * The buffer never holds more than `maxFrames`: the oldest are dropped. A jump of more than
 * `maxFrames * 4` frames (new timestamp base) resets it. Never throws.
 */
export class JitterBuffer {
  /** Frames that arrived after their playout time (discarded). */
  late = 0;
  /** Frames dropped to keep within the bound or to shrink the delay. */
  dropped = 0;
  /** Frames concealed. */
  concealed = 0;
  private readonly frames = new Map<number, Int16Array>();
  private next: number | undefined;
  private playing = false;
  private target: number;
  private sinceLate = 0;
  private emptyRun = 0;
  private readonly plc = new Concealment();

  constructor(private readonly limits: JitterBufferLimits = DEFAULT_JITTER_LIMITS) {
    this.target = limits.minFrames;
  }

  /** The current playout delay target in frames. */
  get targetFrames(): number {
    return this.target;
  }

  /** Frames waiting. */
  get depth(): number {
    return this.frames.size;
  }

  /** Stores the decoded frame with unwrapped frame number `index`. */
  push(index: number, frame: Int16Array): void {
    if (this.playing && this.next !== undefined) {
      if (index < this.next) {
        this.late++;
        this.sinceLate = 0;
        this.target = Math.min(this.limits.maxFrames, this.target + 1);
        return;
      }
      if (index - this.next > this.limits.maxFrames * 4) this.reset();
    }
    this.frames.set(index, frame);
    while (this.frames.size > this.limits.maxFrames) this.dropOldest();
  }

  /** Lets the target follow RFC 3550 interarrival jitter, in ms. */
  observeJitter(jitterMs: number): void {
    const wanted = Math.ceil((3 * jitterMs) / 20) + 1;
    const clamped = Math.max(this.limits.minFrames, Math.min(this.limits.maxFrames, wanted));
    if (clamped > this.target) this.target = clamped;
  }

  /** The frame due now (one call per 20 ms of the media clock). */
  pull(): Pulled {
    if (!this.playing) {
      if (this.frames.size < this.target) return undefined;
      this.playing = true;
      this.next = Math.min(...this.frames.keys());
    }
    this.sinceLate++;
    if (this.sinceLate >= SHRINK_AFTER && this.target > this.limits.minFrames) {
      this.sinceLate = 0;
      this.target--;
      if (this.frames.size > this.target) this.skip();
    }
    const index = this.next!;
    const frame = this.frames.get(index);
    if (frame) {
      this.next = index + 1;
      this.frames.delete(index);
      this.plc.good(frame);
      this.emptyRun = 0;
      return { frame, kind: 'audio' };
    }
    if (this.frames.size === 0) {
      // Underrun: nothing has arrived yet. Stretch (conceal without moving on), so the frame arriving
      // late still plays; the delay grew by a frame and the target follows.
      if (this.emptyRun === 0) this.target = Math.min(this.limits.maxFrames, this.target + 1);
      if (++this.emptyRun >= REBUFFER_AFTER) {
        this.playing = false;
        this.next = undefined;
        this.emptyRun = 0;
        return undefined;
      }
    } else {
      // A later frame is here: this one is lost (or later than the buffer allows); move on.
      this.next = index + 1;
    }
    const concealed = this.plc.conceal();
    if (!concealed) return undefined;
    this.concealed++;
    return { frame: concealed, kind: 'concealed' };
  }

  private reset(): void {
    this.frames.clear();
    this.playing = false;
    this.next = undefined;
  }

  private dropOldest(): void {
    const oldest = Math.min(...this.frames.keys());
    this.frames.delete(oldest);
    this.dropped++;
    if (this.next !== undefined && oldest >= this.next) this.next = oldest + 1;
  }

  /** Drops the frame due next (shrinking the delay by one frame). */
  private skip(): void {
    if (this.next === undefined) return;
    if (this.frames.delete(this.next)) this.dropped++;
    this.next++;
  }
}

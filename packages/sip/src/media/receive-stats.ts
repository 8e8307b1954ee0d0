const SEQ_MOD = 0x10000;
/** RFC 3550 §A.1 MAX_DROPOUT / MAX_MISORDER. */
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;

/**
 * Reception statistics of one RTP source (RFC 3550 §6.4.1, algorithms of §A.1, §A.3 and §A.8):
 * extended highest sequence number, cumulative and interval loss, and interarrival jitter in
 * timestamp units. Arrival times are in ms of the media clock; `clockRate` in Hz.
 */
export class ReceiveStats {
  ssrc: number | undefined;
  received = 0;
  private baseSeq = 0;
  private maxSeq = 0;
  private cycles = 0;
  private jitterUnits = 0;
  private lastTransit: number | undefined;
  private expectedPrior = 0;
  private receivedPrior = 0;

  constructor(private clockRate: number) {}

  /** Changes the RTP clock rate (a re-negotiated codec); jitter restarts. */
  setClockRate(clockRate: number): void {
    if (clockRate === this.clockRate) return;
    this.clockRate = clockRate;
    this.lastTransit = undefined;
    this.jitterUnits = 0;
  }

  /**
   * Counts a packet and returns its extended (unwrapped) sequence number. A new SSRC, or a jump of
   * more than MAX_DROPOUT, restarts the statistics.
   */
  receive(ssrc: number, sequence: number, timestamp: number, arrivalMs: number): number {
    if (this.ssrc !== ssrc) this.restart(ssrc, sequence);
    const udelta = (sequence - this.maxSeq + SEQ_MOD) % SEQ_MOD;
    if (udelta < MAX_DROPOUT) {
      if (sequence < this.maxSeq) this.cycles += SEQ_MOD;
      this.maxSeq = sequence;
    } else if (udelta <= SEQ_MOD - MAX_MISORDER) {
      // A very large jump: the source restarted its sequence (RFC 3550 §A.1, simplified to a restart).
      this.restart(ssrc, sequence);
    }
    this.received++;
    // §A.8: transit time in timestamp units, jitter J += (|D| - J) / 16.
    const arrival = (arrivalMs * this.clockRate) / 1000;
    const transit = arrival - timestamp;
    if (this.lastTransit !== undefined) {
      let d = Math.abs(transit - this.lastTransit);
      // Timestamp wrap (2^32) shows as a huge jump; ignore that one sample.
      if (d > 2 ** 31) d = 0;
      this.jitterUnits += (d - this.jitterUnits) / 16;
    }
    this.lastTransit = transit;
    return this.cycles + sequence;
  }

  /** Extended highest sequence number received (RFC 3550 §6.4.1). */
  get extendedMax(): number {
    return this.cycles + this.maxSeq;
  }

  /** Packets expected so far (§A.3). */
  get expected(): number {
    return this.ssrc === undefined ? 0 : this.extendedMax - this.baseSeq + 1;
  }

  /** Cumulative packets lost (§A.3), clamped to the 24-bit signed range of a report block. */
  get lost(): number {
    return Math.max(-0x800000, Math.min(0x7fffff, this.expected - this.received));
  }

  /** Interarrival jitter in timestamp units (§6.4.1), as a report block carries it. */
  get jitter(): number {
    return Math.floor(this.jitterUnits);
  }

  /** Interarrival jitter in ms. */
  get jitterMs(): number {
    return (this.jitterUnits * 1000) / this.clockRate;
  }

  /** Loss fraction since the previous call, as the 8-bit fixed point of a report block (§A.3). */
  takeFractionLost(): number {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    const receivedInterval = this.received - this.receivedPrior;
    this.expectedPrior = expected;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    return expectedInterval <= 0 || lostInterval <= 0 ? 0 : Math.min(255, Math.floor((lostInterval << 8) / expectedInterval));
  }

  private restart(ssrc: number, sequence: number): void {
    this.ssrc = ssrc;
    this.baseSeq = sequence;
    this.maxSeq = sequence;
    this.cycles = 0;
    this.received = 0;
    this.expectedPrior = 0;
    this.receivedPrior = 0;
    this.lastTransit = undefined;
  }
}

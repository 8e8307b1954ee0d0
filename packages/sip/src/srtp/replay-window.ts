/** How many sequence numbers behind the highest one received are still accepted once (RFC 3711 §3.3.2: at least 64). */
const WINDOW = 64;

/**
 * The SRTP replay list of RFC 3711 §3.3.2, per SSRC, on the 16-bit sequence number (a window of 64 packets,
 * with sequence wrap-around): a packet is fresh when it is ahead of the highest accepted one, or behind it
 * within the window and not yet seen. `accept` is called only after the packet authenticated, so forged
 * packets cannot move the window.
 */
export class ReplayWindow {
  private readonly streams = new Map<number, { highest: number; seen: bigint }>();

  fresh(ssrc: number, sequence: number): boolean {
    const stream = this.streams.get(ssrc);
    if (!stream) return true;
    const ahead = (sequence - stream.highest) & 0xffff;
    if (ahead !== 0 && ahead < 0x8000) return true;
    const behind = (stream.highest - sequence) & 0xffff;
    if (behind >= WINDOW) return false;
    return (stream.seen & (1n << BigInt(behind))) === 0n;
  }

  accept(ssrc: number, sequence: number): void {
    const stream = this.streams.get(ssrc);
    if (!stream) {
      this.streams.set(ssrc, { highest: sequence, seen: 1n });
      return;
    }
    const ahead = (sequence - stream.highest) & 0xffff;
    if (ahead !== 0 && ahead < 0x8000) {
      stream.seen = ahead >= WINDOW ? 1n : ((stream.seen << BigInt(ahead)) | 1n) & ((1n << BigInt(WINDOW)) - 1n);
      stream.highest = sequence;
    } else {
      stream.seen |= 1n << BigInt((stream.highest - sequence) & 0xffff);
    }
  }
}

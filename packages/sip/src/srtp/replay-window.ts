/** How many sequence numbers behind the highest one received are still accepted once (RFC 3711 §3.3.2: at least 64). */
const WINDOW = 64;

/**
 * One SSRC's replay list: the highest sequence number accepted and a 64-bit bitmap of the ones accepted
 * at and behind it (bit n: `highest - n`), kept as two 32-bit words (`low`: bits 0–31, `high`: bits
 * 32–63) so a packet costs integer operations only, no BigInt allocated per packet.
 */
interface Stream {
  highest: number;
  low: number;
  high: number;
}

/**
 * The SRTP replay list of RFC 3711 §3.3.2, per SSRC, on the 16-bit sequence number (a window of 64 packets,
 * with sequence wrap-around): a packet is fresh when it is ahead of the highest accepted one, or behind it
 * within the window and not yet seen. `accept` is called only after the packet authenticated, so forged
 * packets cannot move the window.
 */
export class ReplayWindow {
  private readonly streams = new Map<number, Stream>();

  /** Whether a packet of `ssrc` with 16-bit sequence number `sequence` may be accepted (not replayed, not too old). */
  fresh(ssrc: number, sequence: number): boolean {
    const stream = this.streams.get(ssrc);
    if (!stream) return true;
    const ahead = (sequence - stream.highest) & 0xffff;
    if (ahead !== 0 && ahead < 0x8000) return true;
    const behind = (stream.highest - sequence) & 0xffff;
    if (behind >= WINDOW) return false;
    const word = behind < 32 ? stream.low : stream.high;
    return ((word >>> (behind & 31)) & 1) === 0;
  }

  /** Records an authenticated packet of `ssrc` with sequence number `sequence` (after `fresh` said yes). */
  accept(ssrc: number, sequence: number): void {
    const stream = this.streams.get(ssrc);
    if (!stream) {
      this.streams.set(ssrc, { highest: sequence, low: 1, high: 0 });
      return;
    }
    const ahead = (sequence - stream.highest) & 0xffff;
    if (ahead !== 0 && ahead < 0x8000) {
      // The bitmap moves `ahead` places up (64-bit shift on two words); the new highest is bit 0.
      if (ahead >= WINDOW) {
        stream.high = 0;
        stream.low = 0;
      } else if (ahead >= 32) {
        stream.high = stream.low << (ahead - 32);
        stream.low = 0;
      } else {
        stream.high = (stream.high << ahead) | (stream.low >>> (32 - ahead));
        stream.low = stream.low << ahead;
      }
      stream.low |= 1;
      stream.highest = sequence;
    } else {
      const behind = (stream.highest - sequence) & 0xffff;
      if (behind >= WINDOW) return;
      if (behind < 32) stream.low |= 1 << behind;
      else stream.high |= 1 << (behind - 32);
    }
  }
}

/** Gain of each successive concealed frame; after the last one concealment plays silence. */
const FADE = [0.9, 0.7, 0.5, 0.3, 0.15];

/**
 * Packet-loss concealment by waveform repetition (the simple receiver-side scheme of RFC 3550 §A /
 * ITU-T G.711 Appendix I in spirit): a lost 20 ms frame is replaced by the last good frame, faded a
 * little more for each further frame lost in a row, so a single loss is not heard as a click of
 * silence and a long outage fades out instead of buzzing.
 */
export class Concealment {
  private last: Int16Array | undefined;
  private run = 0;

  /** Remembers a good frame (the template for the next loss). */
  good(frame: Int16Array): void {
    this.last = frame;
    this.run = 0;
  }

  /** A frame standing in for a lost one, or undefined once the fade has run out (or before any audio). */
  conceal(): Int16Array | undefined {
    const gain = FADE[this.run];
    if (!this.last || gain === undefined) return undefined;
    this.run++;
    const out = new Int16Array(this.last.length);
    for (let i = 0; i < out.length; i++) out[i] = Math.round(this.last[i]! * gain);
    return out;
  }
}

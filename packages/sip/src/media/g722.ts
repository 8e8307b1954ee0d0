import type { VoiceCodec } from './codec.js';

/**
 * ITU-T Rec. G.722 sub-band ADPCM (7 kHz audio at 64 kbit/s), mode 1, written for callhook from the
 * Recommendation's computational details: its function blocks (named below: QUANTL, INVQAL, LOGSCL,
 * SCALEL, UPPOL1, …) and the tables of its quantisers, scale factors and QMF. No npm package
 * implements G.722 (on 2026-11-30 `npm view g722`, `npm view node-g722` and `npm view g722-codec`
 * answered 404), so it lives here; it is checked against ffmpeg's independent `adpcm_g722` (bit-exact
 * both ways, see test/g722.test.ts) and against baresip's g722 module in real calls.
 *
 * Shapes: 16 kHz 16-bit PCM in, one octet per pair of samples out (the 64 kbit/s stream: the
 * higher sub-band's 2-bit code I_H in the two most significant bits, the lower sub-band's 6-bit code
 * I_L in the six least). The Recommendation's arithmetic is 16-bit fixed point; JavaScript integers
 * give the same results because every product here stays below 2^31.
 */

/** Upper bounds of the log-scale factors: lower band (block LOGSCL) and higher band (LOGSCH). */
const NBL_MAX = 18_432;
const NBH_MAX = 22_528;

/**
 * The Recommendation's QMF coefficients h_0 … h_11 (×2^13); the 24-tap filter is symmetric,
 * h_{23−i} = h_i. QMF_EVEN holds h_0, h_2, …, h_22 and QMF_ODD h_1, h_3, …, h_23.
 */
const QMF_HALF = [3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876] as const;
const QMF = Array.from({ length: 24 }, (_, i) => QMF_HALF[i < 12 ? i : 23 - i]!);
const QMF_EVEN = Int32Array.from({ length: 12 }, (_, i) => QMF[2 * i]!);
const QMF_ODD = Int32Array.from({ length: 12 }, (_, i) => QMF[2 * i + 1]!);

/**
 * Lower decision levels of the 6-bit lower-band quantiser's intervals 1–30 (×2^12 of the scale factor
 * DETL; block QUANTL): a difference of magnitude m is in interval i when Q6[i−1]·DETL ≤ m·2^12 < Q6[i]·DETL.
 */
const Q6 = [
  0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714, 786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919,
] as const;
/**
 * Inverse-quantiser output levels by magnitude interval: QQ6 (6-bit, block INVQBL in mode 1), QQ4 (the
 * 4-bit core, INVQAL) and QQ2 (higher band, INVQAH). QQ5 belongs to mode 2 (56 kbit/s), not used here.
 */
const QQ6 = [
  0, 136, 432, 728, 1040, 1360, 1688, 2032, 2400, 2776, 3168, 3576, 4008, 4464, 4944, 5456, 6000, 6576, 7192, 7856, 8576, 9360, 10232, 11192, 12280, 13512,
  14984, 16704, 19008, 21904, 24808,
] as const;
const QQ4 = [0, 1200, 2584, 4240, 6288, 8968, 12896, 20456] as const;
const QQ2 = [0, 1616, 7408] as const;
/** Log-scale factor multipliers W_L (by 4-bit magnitude interval, LOGSCL) and W_H (LOGSCH). */
const WL = [-60, -30, 58, 172, 334, 538, 1198, 3042] as const;
const WH = [0, -214, 798] as const;
/** ILB, 2^(i/32) × 2^11, the antilog table of SCALEL / SCALEH. */
const ILB = Int32Array.from(
  { length: 32 },
  (_, i) =>
    [
      2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834, 2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444,
      3520, 3597, 3676, 3756, 3838, 3922, 4008,
    ][i]!,
);

/**
 * Sign and magnitude interval of every lower-band code I_L (the Recommendation's code table of QUANTL): the encoder sends
 * 62 − m for a positive difference in interval m (1–30), and 63, 62, then 34 − m for a negative one;
 * codes 0–3 are never sent and read as the smallest negative level.
 */
function lowerInterval(code: number): { negative: boolean; interval: number } {
  if (code >= 32 && code <= 61) return { negative: false, interval: 62 - code };
  if (code >= 62) return { negative: true, interval: 64 - code };
  if (code >= 4) return { negative: true, interval: 34 - code };
  return { negative: true, interval: 1 };
}

/** Signed QQ6 level of each 6-bit code (INVQBL in mode 1). */
const INV6 = Int32Array.from({ length: 64 }, (_, code) => {
  const { negative, interval } = lowerInterval(code);
  return negative ? -QQ6[interval]! : QQ6[interval]!;
});
/**
 * The 4-bit core code I_Lt = I_L >> 2 (the embedded part the predictor runs on, so a decoder of 5 or 4 bits stays in step): its magnitude
 * interval (RIL, 0–7; 0 is the zero level) and sign. Codes 8–15 are positive, 1–7 negative.
 */
const CORE_INTERVAL = Int32Array.from({ length: 16 }, (_, core) => (core === 0 ? 0 : core < 8 ? 8 - core : 15 - core));
const INV4 = Int32Array.from({ length: 16 }, (_, core) => (core >= 8 ? QQ4[CORE_INTERVAL[core]!]! : -QQ4[CORE_INTERVAL[core]!]!));
/** Signed QQ2 level and magnitude interval of each 2-bit higher-band code I_H (QUANTH / INVQAH). */
const INV2 = Int32Array.from([-QQ2[2], -QQ2[1], QQ2[2], QQ2[1]]);
const HIGH_INTERVAL = [2, 1, 2, 1] as const;

/** Saturates to the 16-bit two's complement range, as the Recommendation's arithmetic does. */
function sat16(value: number): number {
  return value > 32_767 ? 32_767 : value < -32_768 ? -32_768 : value;
}

/**
 * The adaptive predictor of one sub-band (blocks RECONS, PARREC, UPPOL1, UPPOL2, UPZERO,
 * DELAYA, FILTEP, FILTEZ, PREDIC): a 2-pole, 6-zero predictor whose coefficients follow the signs of
 * the quantised difference signal. Identical in encoder and decoder, which keeps them in step.
 * Coefficients are ×2^14, signals 16-bit.
 */
class SubBand {
  /** Signal estimate s (the predictor output for the next sample). */
  estimate = 0;
  /** Zero-section output s_z. */
  private zeroPart = 0;
  /** Log-scale factor ∇ (NBL or NBH) and the scale factor Δ (DETL or DETH). */
  logScale = 0;
  scale: number;
  /** Pole coefficients a_1, a_2 and reconstructed signal r(n−1), r(n−2). */
  private a1 = 0;
  private a2 = 0;
  private r1 = 0;
  private r2 = 0;
  /** Partial reconstructed signal p(n−1), p(n−2). */
  private p1 = 0;
  private p2 = 0;
  /** Zero coefficients b_1 … b_6 and quantised differences d(n−1) … d(n−6) (index 0 unused). */
  private readonly b = new Int32Array(7);
  private readonly d = new Int32Array(7);

  constructor(
    private readonly maxLogScale: number,
    /** 8 for the lower band (SCALEL), 10 for the higher (SCALEH): the shift of the antilog. */
    private readonly scaleShift: number,
  ) {
    this.scale = this.antilog();
  }

  /** LOGSCL / LOGSCH then SCALEL / SCALEH: leaks ∇ by 127/128, adds the code's W, turns it into Δ. */
  adaptScale(weight: number): void {
    const next = ((this.logScale * 127) >> 7) + weight;
    this.logScale = next < 0 ? 0 : next > this.maxLogScale ? this.maxLogScale : next;
    this.scale = this.antilog();
  }

  private antilog(): number {
    const shift = this.scaleShift - (this.logScale >> 11);
    const mantissa = ILB[(this.logScale >> 6) & 31]!;
    return (shift < 0 ? mantissa << -shift : mantissa >> shift) << 2;
  }

  /** Block 4 for one quantised difference d(n): reconstructs, adapts the poles and zeros, predicts s(n+1). */
  update(dq: number): void {
    const r0 = sat16(this.estimate + dq);
    const p0 = sat16(this.zeroPart + dq);
    const s0 = p0 >> 15;
    const s1 = this.p1 >> 15;
    const s2 = this.p2 >> 15;
    // UPPOL2: a2 ← (1 − 2^-7) a2 + 2^-7 sgn p(n) sgn p(n−2) − 2^-7 f(a1) sgn p(n) sgn p(n−1), |a2| ≤ 0.75.
    const fa1 = sat16(this.a1 * 4);
    let term = s0 === s1 ? -fa1 : fa1;
    if (term > 32_767) term = 32_767;
    let a2 = (s0 === s2 ? 128 : -128) + (term >> 7) + ((this.a2 * 32_512) >> 15);
    a2 = a2 > 12_288 ? 12_288 : a2 < -12_288 ? -12_288 : a2;
    // UPPOL1: a1 ← (1 − 2^-8) a1 + 3·2^-8 sgn p(n) sgn p(n−1), |a1| ≤ 1 − 2^-4 − a2.
    let a1 = sat16((s0 === s1 ? 192 : -192) + ((this.a1 * 32_640) >> 15));
    const bound = sat16(15_360 - a2);
    a1 = a1 > bound ? bound : a1 < -bound ? -bound : a1;
    // UPZERO: b_i ← (1 − 2^-8) b_i + 2^-7 sgn d(n) sgn d(n−i) (no step when d(n) = 0); then DELAYA,
    // and FILTEZ in the same pass: s_z = Σ b_i d(n+1−i) from the new coefficients and delayed d.
    const step = dq === 0 ? 0 : 128;
    const sd = dq >> 15;
    const { b, d } = this;
    let zeros = 0;
    for (let i = 6; i >= 1; i--) {
      const bi = sat16((d[i]! >> 15 === sd ? step : -step) + ((b[i]! * 32_640) >> 15));
      const di = i === 1 ? dq : d[i - 1]!;
      b[i] = bi;
      d[i] = di;
      zeros += (bi * sat16(di * 2)) >> 15;
    }
    this.a1 = a1;
    this.a2 = a2;
    this.r2 = this.r1;
    this.r1 = r0;
    this.p2 = this.p1;
    this.p1 = p0;
    // FILTEP, PREDIC: the pole part from the new coefficients, and the next estimate.
    const poles = sat16(((this.a1 * sat16(this.r1 * 2)) >> 15) + ((this.a2 * sat16(this.r2 * 2)) >> 15));
    this.zeroPart = sat16(zeros);
    this.estimate = sat16(poles + this.zeroPart);
  }
}

/** The lower sub-band ADPCM state (6-bit embedded code, 4-bit core in the predictor loop). */
function lowerBand(): SubBand {
  return new SubBand(NBL_MAX, 8);
}
/** The higher sub-band ADPCM state (2-bit code). */
function higherBand(): SubBand {
  return new SubBand(NBH_MAX, 10);
}

/**
 * The 24-sample delay line of a QMF, fed a pair of samples at a time. Each sample is stored twice, 24
 * apart, so the window (oldest first) is always one contiguous run `buffer[start … start + 23]`
 * without shifting the line on every pair.
 */
class DelayLine {
  readonly buffer = new Int32Array(48);
  private head = 0;

  /** Appends `first` then `second`; returns where the window now starts. */
  push(first: number, second: number): number {
    const head = this.head;
    const buffer = this.buffer;
    buffer[head] = buffer[head + 24] = first;
    buffer[head + 1] = buffer[head + 25] = second;
    this.head = head === 22 ? 0 : head + 2;
    return head + 2;
  }
}

/** Checks a PCM block's shape; a precise error otherwise. */
function checkPcm(pcm: Int16Array): void {
  if (!(pcm instanceof Int16Array)) throw new TypeError('G.722 encode takes an Int16Array of 16 kHz samples');
  if (pcm.length % 2 !== 0) throw new RangeError(`G.722 encodes pairs of 16 kHz samples: pcm.length ${pcm.length} is odd; pass an even number (320 for 20 ms)`);
}

/**
 * G.722 encoder (transmit QMF + lower/higher-band ADPCM encoders), one per call direction: state
 * carries from one block to the next, so consecutive calls give the same octets as one call on the
 * whole signal.
 */
export class G722Encoder {
  private readonly low = lowerBand();
  private readonly high = higherBand();
  /** The last 24 input samples (the QMF's delay line). */
  private readonly line = new DelayLine();

  /**
   * Encodes 16 kHz 16-bit PCM (an even number of samples) into one octet per sample pair.
   * Throws RangeError on an odd length.
   */
  encode(pcm: Int16Array): Uint8Array {
    checkPcm(pcm);
    const out = new Uint8Array(pcm.length >> 1);
    const x = this.line.buffer;
    for (let n = 0; n < out.length; n++) {
      // x[start + 23] is the newest sample x(j), x[start] the oldest x(j − 23).
      const start = this.line.push(pcm[2 * n]!, pcm[2 * n + 1]!);
      // Transmit QMF: x_A = Σ h_2i x(j − 2i), x_B = Σ h_2i+1 x(j − 2i − 1); x_L = x_A + x_B, x_H = x_A − x_B.
      let sumA = 0;
      let sumB = 0;
      for (let i = 0; i < 12; i++) {
        sumA += QMF_EVEN[i]! * x[start + 23 - 2 * i]!;
        sumB += QMF_ODD[i]! * x[start + 22 - 2 * i]!;
      }
      out[n] = (this.encodeHigh((sumA - sumB) >> 14) << 6) | this.encodeLow((sumA + sumB) >> 14);
    }
    return out;
  }

  /** SUBTRA, QUANTL, INVQAL, LOGSCL, SCALEL, then the predictor. */
  private encodeLow(xl: number): number {
    const band = this.low;
    const el = sat16(xl - band.estimate);
    const magnitude = el >= 0 ? el : -(el + 1);
    // The interval i (1–30) with Q6[i−1]·DETL ≤ magnitude·2^12 < Q6[i]·DETL: a binary search over the
    // non-decreasing levels, the same answer as the Recommendation's scan from the bottom.
    let interval = 1;
    let top = 30;
    while (interval < top) {
      const middle = (interval + top) >> 1;
      if (magnitude < (Q6[middle]! * band.scale) >> 12) top = middle;
      else interval = middle + 1;
    }
    const code = el < 0 ? (interval <= 2 ? 64 - interval : 34 - interval) : 62 - interval;
    const core = code >> 2;
    const dq = (band.scale * INV4[core]!) >> 15;
    band.adaptScale(WL[CORE_INTERVAL[core]!]!);
    band.update(dq);
    return code;
  }

  /** SUBTRA, QUANTH, INVQAH, LOGSCH, SCALEH, then the predictor. */
  private encodeHigh(xh: number): number {
    const band = this.high;
    const eh = sat16(xh - band.estimate);
    const magnitude = eh >= 0 ? eh : -(eh + 1);
    const interval = magnitude >= (564 * band.scale) >> 12 ? 2 : 1;
    const code = eh < 0 ? (interval === 2 ? 0 : 1) : interval === 2 ? 2 : 3;
    const dq = (band.scale * INV2[code]!) >> 15;
    band.adaptScale(WH[HIGH_INTERVAL[code]!]!);
    band.update(dq);
    return code;
  }
}

/**
 * G.722 decoder (mode 1: lower-band ADPCM decoder on all 6 bits, higher-band decoder, receive QMF),
 * one per call direction. Every octet is a valid code word, so it never throws on content.
 */
export class G722Decoder {
  private readonly low = lowerBand();
  private readonly high = higherBand();
  /** The receive QMF's delay line: pairs (x_s, x_d) = (r_L + r_H, r_L − r_H). */
  private readonly line = new DelayLine();

  /** Decodes octets of a 64 kbit/s G.722 stream into two 16 kHz samples each. */
  decode(payload: Uint8Array): Int16Array {
    const out = new Int16Array(payload.length * 2);
    const x = this.line.buffer;
    for (let n = 0; n < payload.length; n++) {
      const octet = payload[n]!;
      const rl = this.decodeLow(octet & 63);
      const rh = this.decodeHigh(octet >> 6);
      const start = this.line.push(rl + rh, rl - rh);
      // Receive QMF: x_out(j) = 2 Σ h_2i x_d(i), x_out(j + 1) = 2 Σ h_2i+1 x_s(i).
      let even = 0;
      let odd = 0;
      for (let i = 0; i < 12; i++) {
        even += QMF_EVEN[i]! * x[start + 23 - 2 * i]!;
        odd += QMF_ODD[i]! * x[start + 22 - 2 * i]!;
      }
      out[2 * n] = sat16(even >> 11);
      out[2 * n + 1] = sat16(odd >> 11);
    }
    return out;
  }

  /** INVQBL (6-bit, mode 1) for the output, INVQAL (4-bit core) for the predictor, then LIMIT to 15 bits. */
  private decodeLow(code: number): number {
    const band = this.low;
    const rl = band.estimate + ((band.scale * INV6[code]!) >> 15);
    const core = code >> 2;
    const dq = (band.scale * INV4[core]!) >> 15;
    band.adaptScale(WL[CORE_INTERVAL[core]!]!);
    band.update(dq);
    return rl > 16_383 ? 16_383 : rl < -16_384 ? -16_384 : rl;
  }

  /** INVQAH, LOGSCH, SCALEH, the predictor, then LIMIT to 15 bits. */
  private decodeHigh(code: number): number {
    const band = this.high;
    const dq = (band.scale * INV2[code]!) >> 15;
    const rh = band.estimate + dq;
    band.adaptScale(WH[HIGH_INTERVAL[code]!]!);
    band.update(dq);
    return rh > 16_383 ? 16_383 : rh < -16_384 ? -16_384 : rh;
  }
}

/** Sampling rate of G.722 audio, Hz. */
export const G722_SAMPLE_RATE = 16_000;
/**
 * RTP clock rate of G.722: 8000 Hz although it samples at 16 kHz, an error in RFC 1890 kept for
 * compatibility (RFC 3551 §4.5.2): a 20 ms packet of 320 samples (160 octets) advances the timestamp 160.
 */
export const G722_CLOCK_RATE = 8_000;

/**
 * G.722 (static payload type 9, `G722/8000`, RFC 3551 §4.5.2) as a `VoiceCodec` at its own rate:
 * 16 kHz PCM both ways (a wideband call). Payload: one octet per 16 kHz sample pair, 160 octets per
 * 20 ms. On an 8 kHz call (one whose first codec was G.711) `createCodec` wraps it in the halfband
 * converter (`rate-adapter.ts`).
 */
export function g722(): VoiceCodec {
  const encoder = new G722Encoder();
  const decoder = new G722Decoder();
  return {
    name: 'G722',
    clockRate: G722_CLOCK_RATE,
    sampleRate: G722_SAMPLE_RATE,
    encode: (pcm) => encoder.encode(pcm),
    decode: (payload) => decoder.decode(payload),
    close: () => undefined,
  };
}

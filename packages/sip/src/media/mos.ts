/** Figures the E-model needs for one call. */
export interface MosInput {
  /** One-way delay in ms: half the RTCP round-trip time plus the jitter buffer and codec delay. */
  oneWayDelayMs: number;
  /** Packet loss in percent (0–100). */
  lossPercent: number;
  /** Equipment impairment Ie of the codec on the narrowband scale (ITU-T G.113 Appendix I: G.711 0; Opus at 8 kHz ~11; see `call-quality.ts` for wideband calls). */
  codecIe: number;
  /** Packet-loss robustness Bpl (G.113: G.711 with concealment 25.1). */
  codecBpl: number;
}

/**
 * Estimated mean opinion score, 1–4.5, by the simplified ITU-T G.107 E-model: R = 93.2 − Id − Ie,eff
 * with Id = 0.024 d + 0.11 (d − 177.3) H(d − 177.3) and Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl + Bpl),
 * then MOS = 1 + 0.035 R + 7·10⁻⁶ R (R − 60)(100 − R). Rounded to two decimals.
 */
export function estimateMos(input: MosInput): number {
  const d = Math.max(0, input.oneWayDelayMs);
  const id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
  const ppl = Math.max(0, Math.min(100, input.lossPercent));
  const ieEff = input.codecIe + ((95 - input.codecIe) * ppl) / (ppl + input.codecBpl);
  const r = 93.2 - id - ieEff;
  if (r <= 0) return 1;
  const mos = r >= 100 ? 4.5 : 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
  return Math.round(Math.min(4.5, Math.max(1, mos)) * 100) / 100;
}

/** One pause (`p` or `,`; `w` too, since no line can hear a dial tone for us) before postdial DTMF goes on. */
export const POSTDIAL_PAUSE_MS = 2_000;

/** A run of DTMF digits sent `delayMs` after the previous one (or after the call connected). */
export interface PostdialStep {
  delayMs: number;
  digits: string;
}

/**
 * The DTMF runs of a canonical postdial string (`readDialTarget`): `p1234` → one run of `1234`
 * after one pause, `pp12p3` → `12` after two pauses, then `3` after one more.
 */
export function postdialSteps(postdial: string, pauseMs = POSTDIAL_PAUSE_MS): PostdialStep[] {
  const steps: PostdialStep[] = [];
  for (const match of postdial.matchAll(/([pw]*)([^pw]+)/g)) {
    steps.push({ delayMs: match[1]!.length * pauseMs, digits: match[2]! });
  }
  return steps;
}

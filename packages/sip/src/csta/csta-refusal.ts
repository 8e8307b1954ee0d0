/**
 * The status detail for a phone's final refusal of the CSTA INVITE, with the fix named where the
 * vendor docs give one (Snom: `csta_control`, `csta_challenge` and the identity's `user_pass`;
 * Yealink: `features.csta_control.enable`, which needs a reboot).
 */
export function refusalDetail(statusCode: number, reasonPhrase: string, haveCredentials: boolean): string {
  const answer = `${statusCode} ${reasonPhrase}`.trim();
  if (statusCode === 401 || statusCode === 407) {
    return haveCredentials
      ? `the phone rejected the CSTA credentials (${answer}): check the username and password of the phone identity (Snom user_pass)`
      : `the phone wants CSTA credentials (${answer}; Snom csta_challenge is on): set the username and password of the phone identity`;
  }
  if (statusCode === 403) {
    return `the phone forbids CSTA control (${answer}): switch CSTA on (Snom csta_control, Yealink features.csta_control.enable + reboot)`;
  }
  if (statusCode === 415 || statusCode === 488) {
    return `the phone does not take application/csta+xml (${answer}): CSTA control is off on the phone, or this identity does not accept CSTA sessions`;
  }
  if (statusCode === 404 || statusCode === 480) return `no such identity on the phone (${answer}): check the phone URI`;
  return `the phone refused the CSTA session (${answer})`;
}

/** `line.overload` (SipOverloadSchema): how many new INVITEs may wait to be started, and the Retry-After of a 503. */
export interface OverloadLimits {
  maxPendingInvites: number;
  retryAfterSeconds: number;
}

/** The defaults of `line.overload` (kept free of imports: the settings schema loads it without the SIP stack). */
export const DEFAULT_OVERLOAD: OverloadLimits = { maxPendingInvites: 32, retryAfterSeconds: 5 };

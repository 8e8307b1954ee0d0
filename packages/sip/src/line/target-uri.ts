import { readDialTarget, readLineTarget, Refusal } from '@callhook/core';
import type { SipLineSettings } from '../settings/sip-line-schema.js';

/** RFC 3261 §25.1 user part characters (unreserved, user-unreserved, escaped). */
const SIP_USER = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;

/** The domain a bare number is dialled at: the registrar if any, else the AOR's domain. */
export function dialDomain(settings: Pick<SipLineSettings, 'aor' | 'registrar'>): string {
  return settings.registrar ?? settings.aor.replace(/^sips?:[^@]*@/, '').replace(/[;?].*$/, '');
}

/**
 * The Request-URI (RFC 3261 §19.1) for a dial target, and the remote party the line reports for it.
 * Targets are normalised by core's `readLineTarget`, the same as on every line: `303` →
 * `sip:303@domain`; `tel:+49-30-1234` → `sip:+49301234@domain`; `*31#0900` → `sip:*31%230900@domain`
 * (`#` is not allowed in a SIP user part); SIP URIs pass through; `bob@host` → `sip:bob@host`; and, on
 * this line only, a user name that is no number (`alice403`) → `sip:alice403@domain`.
 * Throws `invalid_target` (a CallhookError) for a target core refuses.
 */
export function dialTarget(target: string, settings: Pick<SipLineSettings, 'aor' | 'registrar'>): { uri: string; remoteParty: string } {
  const trimmed = target.trim();
  const userName = readDialTarget(trimmed) instanceof Refusal && SIP_USER.test(trimmed) && /[A-Za-z]/.test(trimmed);
  const { target: read, remoteParty } = readLineTarget(userName ? `sip:${trimmed}@${dialDomain(settings)}` : trimmed);
  if (read.kind === 'sip') return { uri: read.uri, remoteParty };
  const user = (read.serviceCodes + read.number).replaceAll('#', '%23');
  return { uri: `sip:${user}@${dialDomain(settings)}`, remoteParty };
}

/** `dialTarget`'s Request-URI alone. */
export function targetUri(target: string, settings: Pick<SipLineSettings, 'aor' | 'registrar'>): string {
  return dialTarget(target, settings).uri;
}

/** The user part of a SIP URI, or the text itself when it is not a URI. */
export function userPart(uri: string): string {
  const match = /^sips?:([^@;?]+)@/i.exec(uri);
  return match ? decodeURIComponent(match[1]!) : uri;
}

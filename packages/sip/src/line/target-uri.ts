import { CallhookError, dialledDigits, type SipLineSettings } from '@callhook/core';

/** The domain a bare number is dialled at: the registrar if any, else the AOR's domain. */
export function dialDomain(settings: Pick<SipLineSettings, 'aor' | 'registrar'>): string {
  return settings.registrar ?? settings.aor.replace(/^sips?:[^@]*@/, '').replace(/[;?].*$/, '');
}

/** `303` → `sip:303@domain`; `tel:+49-30-1234` → `sip:+49301234@domain`; `bob@host` → `sip:bob@host`; SIP URIs pass through. */
export function targetUri(target: string, settings: Pick<SipLineSettings, 'aor' | 'registrar'>): string {
  const trimmed = target.trim();
  if (!trimmed || /[\s<>"]/.test(trimmed)) throw new CallhookError('invalid_target', `cannot dial "${target}"`);
  if (/^sips?:/i.test(trimmed)) return trimmed;
  // A tel: URI (core accepts them) is a number: dial its digits at the domain, as for a bare number.
  if (/^tel:/i.test(trimmed)) return `sip:${dialledDigits(trimmed)}@${dialDomain(settings)}`;
  if (trimmed.includes('@')) return `sip:${trimmed}`;
  return `sip:${trimmed}@${dialDomain(settings)}`;
}

/** The user part of a SIP URI, or the text itself when it is not a URI. */
export function userPart(uri: string): string {
  const match = /^sips?:([^@;?]+)@/i.exec(uri);
  return match ? decodeURIComponent(match[1]!) : uri;
}

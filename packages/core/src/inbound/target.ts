import { Refusal } from '../errors.js';

export const MAX_NUMBER_LENGTH = 64;
export const MAX_URI_LENGTH = 256;

/** Visual separators that CRMs put in numbers (RFC 3966 allows them in tel: URIs); dropped. */
const SEPARATORS = /[\s\-.()]/g;
const NUMBER = /^\+?[0-9*#]+$/;
const SIP_URI = /^sips?:[^\s<>"@]+@[A-Za-z0-9.\-[\]:]+(;[^\s<>"]*)?$|^sips?:[0-9+*#]+$/i;
const TEL_URI = /^tel:\+?[0-9*#\-.()]+(;[^\s<>"]*)?$/i;

/**
 * A dial target: digits with an optional leading `+`, `*` and `#` (separators like spaces, dashes,
 * dots and parentheses are dropped), or a `sip:`, `sips:` or `tel:` URI. Throws `invalid_target`.
 */
export function parseTarget(raw: string, field = 'target'): string {
  const target = readTarget(raw, field);
  if (target instanceof Refusal) throw target.toError();
  return target;
}

/** `parseTarget` that returns its refusal instead of throwing it. */
export function readTarget(raw: string, field = 'target'): string | Refusal {
  const value = raw.trim();
  if (value === '') return invalidTarget(field, `${field} is empty`);
  if (/^(sips?|tel):/i.test(value)) {
    if (value.length > MAX_URI_LENGTH) return invalidTarget(field, `${field} URI is longer than ${MAX_URI_LENGTH} characters`);
    if (!SIP_URI.test(value) && !TEL_URI.test(value)) {
      return invalidTarget(field, `${field} "${value}" is not a valid sip:user@host or tel:+number URI`);
    }
    return value;
  }
  const number = value.replace(SEPARATORS, '');
  if (!NUMBER.test(number)) {
    return invalidTarget(field, `${field} "${value}" is not a phone number; use digits with an optional leading +, * and #, or a sip:/tel: URI`);
  }
  if (number.length > MAX_NUMBER_LENGTH) return invalidTarget(field, `${field} is longer than ${MAX_NUMBER_LENGTH} digits`);
  return number;
}

/** The digits of a target, for deny-prefix checks: `tel:+49-30` → `+4930`, `sip:0900@x` → `0900`. */
export function dialledDigits(target: string): string {
  const withoutScheme = target.replace(/^(sips?|tel):/i, '');
  const user = withoutScheme.split(/[@;]/)[0] ?? '';
  return user.replace(SEPARATORS, '');
}

function invalidTarget(field: string, message: string): Refusal {
  return new Refusal('invalid_target', message, { field });
}

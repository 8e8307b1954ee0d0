import { AsYouType, getCountryCallingCode, isSupportedCountry, Metadata, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

/**
 * How the PBX behind a line wants numbers (settings `line.dialPlan`): `country` is an ISO 3166-1
 * alpha-2 code (`DE`), `outsideLinePrefix` what the PBX needs in front of every external number
 * (`0`, or '' for none), `internationalPrefix` the international call prefix (ITU-T E.164 Annex A,
 * `00` in most of Europe, `011` in North America; null takes the country's own from the numbering
 * plan metadata of libphonenumber-js).
 */
export interface DialPlan {
  country: string;
  outsideLinePrefix: string;
  internationalPrefix: string | null;
}

/** The facts of a dial plan that the conversions need, looked up once. */
export interface ResolvedDialPlan {
  country: CountryCode;
  countryCallingCode: string;
  internationalPrefix: string;
  outsideLinePrefix: string;
}

/** The country's own international prefix when the numbering plan names a single one; else null. */
export function defaultInternationalPrefix(country: string): string | null {
  if (!isSupportedCountry(country)) return null;
  const plan = numberingPlan(country);
  if (!plan) return null;
  const prefix = plan.IDDPrefix();
  if (/^[0-9]+$/.test(prefix)) return prefix;
  const preferred = plan.defaultIDDPrefix()?.replace(/~/g, '');
  return preferred && /^[0-9]+$/.test(preferred) ? preferred : null;
}

/** Whether `country` is an ISO 3166-1 alpha-2 code that the numbering plan metadata knows. */
export function isDialPlanCountry(country: string): boolean {
  return isSupportedCountry(country);
}

/**
 * Looks up what `plan` needs from the numbering plan metadata. Throws a TypeError for a country the
 * metadata does not know or one without a single international prefix (the settings schema refuses
 * both before a plan gets here).
 */
export function resolveDialPlan(plan: DialPlan): ResolvedDialPlan {
  if (!isSupportedCountry(plan.country)) throw new TypeError(`unknown country ${plan.country}`);
  const internationalPrefix = plan.internationalPrefix ?? defaultInternationalPrefix(plan.country);
  if (internationalPrefix === null) throw new TypeError(`${plan.country} has several international prefixes; name one`);
  return {
    country: plan.country,
    countryCallingCode: getCountryCallingCode(plan.country),
    internationalPrefix,
    outsideLinePrefix: plan.outsideLinePrefix,
  };
}

/**
 * What the PBX is sent for an E.164 number (`+4930123460`). With `DE`, outside line `0` and `00`: a
 * valid number of the plan's own country becomes outside line + its national form as libphonenumber-js
 * formats it (national prefix included: `0030123460`); any other number outside line + international
 * prefix + the digits after `+` (`+41311232121` → `00041311232121`; a number of the own country that
 * the numbering plan does not know is dialled this way too, which every network accepts). Numbers
 * without `+` are already in the PBX's numbering and come back as they are.
 */
export function toPbxNumber(number: string, plan: ResolvedDialPlan): string {
  if (!number.startsWith('+')) return number;
  const parsed = parsePhoneNumberFromString(number);
  if (parsed && parsed.countryCallingCode === plan.countryCallingCode && parsed.isValid()) {
    return plan.outsideLinePrefix + parsed.format('NATIONAL', { nationalPrefix: true }).replace(/[^0-9]/g, '');
  }
  return plan.outsideLinePrefix + plan.internationalPrefix + number.slice(1);
}

/**
 * The E.164 reading of a number or number prefix as dialled in the plan's country: `+…` as it is,
 * international prefix + digits → `+digits`, a national number (prefix) → `+<country code>…` as
 * libphonenumber-js reads it while typing (`0900` in DE → `+49900`); null when it has none (a
 * service code, a lone national prefix).
 */
export function e164Of(digits: string, plan: ResolvedDialPlan): string | null {
  if (digits.startsWith('+')) return digits;
  if (digits.startsWith(plan.internationalPrefix)) return `+${digits.slice(plan.internationalPrefix.length)}`;
  if (!/^[0-9]+$/.test(digits)) return null;
  const typing = new AsYouType(plan.country);
  typing.input(digits);
  return typing.getNumber()?.number ?? null;
}

function numberingPlan(country: CountryCode) {
  const metadata = new Metadata();
  metadata.selectNumberingPlan(country);
  return metadata.numberingPlan ?? null;
}

/**
 * `e164Of` for a deny-list prefix: a prefix that every international number starts with (`0` or
 * `00` where the international prefix is `00`) covers every E.164 number (`+`).
 */
export function e164PrefixOf(prefix: string, plan: ResolvedDialPlan): string | null {
  if (prefix !== '' && !prefix.startsWith('+') && plan.internationalPrefix.startsWith(prefix)) return '+';
  return e164Of(prefix, plan);
}

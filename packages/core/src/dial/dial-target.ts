import { Refusal } from '../errors.js';
import { decodeComponent } from '../inbound/decode-component.js';
import { splitServiceCodes } from './service-codes.js';

export const MAX_NUMBER_LENGTH = 64;
export const MAX_URI_LENGTH = 256;
/** Postdial DTMF (extension, `;postd=`, `,`/`p`/`w` pauses) is at most this long. */
export const MAX_POSTDIAL_LENGTH = 32;

/**
 * A dial target after normalisation: what a line dials and what the dial policy judges.
 *
 * - `number`: a phone number. `serviceCodes` are vertical service codes dialled in front of it
 *   (`*31#`, `*67`; see `splitServiceCodes`), `number` is the rest: an E.164 number `+<cc><nsn>`
 *   (ITU-T E.164 §6: a country code never starts with 0, at most 15 digits) or digits, `*` and `#`
 *   in the line's own numbering. `postdial` is DTMF sent once the call is connected: digits, `*`,
 *   `#`, `A`–`D`, with `p` (pause) and `w` (wait, treated as a pause); it always starts with `p` or
 *   `w`, so the canonical text `number + postdial` reads back unambiguously.
 * - `sip`: a SIP or SIPS URI (RFC 3261 §19.1), dialled as written; `user` is its user part,
 *   percent-decoded once (RFC 3261 §19.1.2), or '' when the URI has none.
 */
export type DialTarget = { kind: 'number'; serviceCodes: string; number: string; postdial: string } | { kind: 'sip'; uri: string; user: string; postdial: '' };

/** What a target may be, for error messages that name the accepted forms. */
export const ACCEPTED_TARGETS =
  'use digits with an optional leading + (separators such as spaces, -, ., /, (0) are dropped), *, # and service codes such as *31#, ' +
  'optional postdial DTMF after , p or w, or a sip:user@host (or user@host) or tel:+number URI (;ext= and ;postd= are sent as DTMF once connected)';

/** Visual separators (RFC 3966 §5.1.1 plus space and `/`); a `+` after the first character is an encoded space. */
const SEPARATORS = /[\s\-./+]/g;
const DIAL_CHARS = /^[0-9*#]+$/;
const E164 = /^\+[1-9][0-9]{0,14}$/;
const POSTDIAL_CHARS = /^[0-9*#A-Da-dpw]*$/;
const SIP_URI = /^sips?:[^\s<>"@]+@[A-Za-z0-9.\-[\]:]+(;[^\s<>"]*)?$|^sips?:[0-9+*#]+$/i;
const TEL_URI = /^tel:([^;]*)((?:;[^;]*)*)$/i;
const SIP_USER = /^sips?:([^@]*)@/i;

/**
 * Normalises a dial target as CRMs, browsers and scripts write it (RFC 3966 tel: URIs, RFC 3261
 * SIP URIs, E.164 and national numbers with visual separators). Returns a `Refusal` with code
 * `invalid_target` and `details.field = field` for anything else; it never drops part of a target.
 */
export function readDialTarget(raw: string, field = 'target'): DialTarget | Refusal {
  const value = raw.trim();
  if (value === '') return invalid(field, `${field} is empty; ${ACCEPTED_TARGETS}`);
  if (/^sips?:/i.test(value)) return readSipUri(value, field);
  if (/^tel:/i.test(value)) return readTelUri(value, field);
  // `alice@pbx.example.com`: a SIP address written without its scheme (RFC 3261 §19.1.1 user@host).
  if (/^[^:@\s]+@/.test(value)) return readSipUri(`sip:${value}`, field);
  const marker = value.search(/[,pw]/i);
  const number = readNumber(marker === -1 ? value : value.slice(0, marker), '', field, value);
  if (number instanceof Refusal || marker === -1) return number;
  const postdial = readPostdial(value.slice(marker), field, value);
  return postdial instanceof Refusal ? postdial : { ...number, postdial };
}

/** The canonical text of a target: `readDialTarget(formatDialTarget(t))` gives `t` back. */
export function formatDialTarget(target: DialTarget): string {
  return target.kind === 'sip' ? target.uri : target.serviceCodes + target.number + target.postdial;
}

/** What is dialled, without the postdial DTMF: `*31#+4930123` or the SIP URI. */
export function dialStringOf(target: DialTarget): string {
  return target.kind === 'sip' ? target.uri : target.serviceCodes + target.number;
}

/**
 * The remote party every line reports for a call it places to `target` (`<$remote_party>`): the
 * dialled number without postdial, or a SIP URI's decoded user part (its host when it has no user).
 */
export function remotePartyOf(target: DialTarget): string {
  if (target.kind === 'number') return target.serviceCodes + target.number;
  if (target.user !== '') return phoneUser(target.user) ?? target.user;
  return target.uri.replace(/^sips?:/i, '').replace(/;.*$/, '');
}

/** A SIP user part that is a telephone number (RFC 3261 §19.1.1 telephone-subscriber), normalised; else null. */
export function phoneUser(user: string): string | null {
  const number = readNumber(user.replace(/;.*$/, ''), '', 'user', user);
  return number instanceof Refusal ? null : number.serviceCodes + number.number;
}

function readNumber(text: string, postdial: string, field: string, whole: string): Extract<DialTarget, { kind: 'number' }> | Refusal {
  // Separators other than brackets go first, so that a service code written `*31# +49…` is found.
  const compact = text.replace(/[\s\-./]/g, '');
  const { serviceCodes, rest } = splitServiceCodes(compact);
  const leadingPlus = rest.startsWith('+');
  let number = leadingPlus ? rest.slice(1) : rest;
  // International notation brackets the national trunk prefix: +41 (0)31 … is +4131 ….
  if (leadingPlus) number = number.replace(/\(0\)/, '');
  number = number.replace(/[()]/g, '').replace(SEPARATORS, '');
  if (number === '' && (leadingPlus || serviceCodes === '')) {
    return invalid(field, `${field} "${whole}" is not a phone number; ${ACCEPTED_TARGETS}`);
  }
  if (number !== '' && !DIAL_CHARS.test(number)) {
    return invalid(field, `${field} "${whole}" is not a phone number; ${ACCEPTED_TARGETS}`);
  }
  if (leadingPlus) {
    number = `+${number}`;
    if (!E164.test(number)) {
      return invalid(
        field,
        `${field} "${whole}" is not an E.164 number: after + comes a country code (it never starts with 0) and at most 15 digits in all; ` +
          'write a national number without +, or +<country code><number>',
      );
    }
  }
  if (serviceCodes.length + number.length > MAX_NUMBER_LENGTH) {
    return invalid(field, `${field} is longer than ${MAX_NUMBER_LENGTH} digits`);
  }
  return { kind: 'number', serviceCodes, number, postdial };
}

/** `,1234`, `p1234`, `w*2` → canonical postdial (`p` for `,` and `P`; always starts with a pause). */
function readPostdial(text: string, field: string, whole: string): string | Refusal {
  const compact = text
    .replace(/[\s\-./+()]/g, '')
    .replaceAll(',', 'p')
    .replace(/[PW]/g, (c) => c.toLowerCase());
  if (!POSTDIAL_CHARS.test(compact)) {
    return invalid(field, `${field} "${whole}" has postdial characters other than 0-9, *, #, A-D and the pauses , p w; ${ACCEPTED_TARGETS}`);
  }
  const digits = compact.replace(/[pw]/g, '');
  if (digits === '') return '';
  if (compact.length > MAX_POSTDIAL_LENGTH) return invalid(field, `${field} has more than ${MAX_POSTDIAL_LENGTH} postdial characters`);
  // Trailing pauses would only delay nothing.
  const trimmed = compact.replace(/[pw]+$/, '').replace(/[a-d]/g, (c) => c.toUpperCase());
  return /^[pw]/.test(trimmed) ? trimmed : `p${trimmed}`;
}

/** RFC 3966 §3: `tel:` number then `;name=value` parameters. */
function readTelUri(value: string, field: string): DialTarget | Refusal {
  if (value.length > MAX_URI_LENGTH) return invalid(field, `${field} URI is longer than ${MAX_URI_LENGTH} characters`);
  const match = TEL_URI.exec(value);
  const numberText = match ? decodeComponent(match[1]!) : null;
  if (!match || numberText === null) return invalid(field, `${field} "${value}" is not a valid tel: URI; ${ACCEPTED_TARGETS}`);
  let postdial = '';
  for (const param of match[2]!.split(';').slice(1)) {
    const eq = param.indexOf('=');
    const name = (eq === -1 ? param : param.slice(0, eq)).toLowerCase();
    const paramValue = decodeComponent(eq === -1 ? '' : param.slice(eq + 1));
    if (paramValue === null) return invalid(field, `${field} "${value}" has a malformed percent-encoding in ;${name}=`);
    if (name === 'ext' || name === 'postd') {
      // RFC 3966 §5.1.2 ;ext= (an extension, dialled as DTMF once connected) and RFC 2806's ;postd=.
      if (postdial !== '') return invalid(field, `${field} "${value}" has both ;ext= and ;postd=; keep one`);
      const read = readPostdial(paramValue, field, value);
      if (read instanceof Refusal) return read;
      if (read === '') return invalid(field, `${field} "${value}" has an empty ;${name}=; remove it or give the digits`);
      postdial = read;
    } else if (name === 'phone-context') {
      // RFC 3966 §5.1.5: it says where a local number is valid; the line dials the number in its own network.
    } else if (name === 'isub') {
      return invalid(field, `${field} "${value}": ISDN subaddresses (;isub=) cannot be dialled; remove ;isub=`);
    } else {
      return invalid(
        field,
        `${field} "${value}" has the parameter ;${name}, which callhook cannot dial; remove it (accepted: ;ext=, ;postd=, ;phone-context=)`,
      );
    }
  }
  return readNumber(numberText, postdial, field, value);
}

function readSipUri(value: string, field: string): DialTarget | Refusal {
  if (value.length > MAX_URI_LENGTH) return invalid(field, `${field} URI is longer than ${MAX_URI_LENGTH} characters`);
  if (!SIP_URI.test(value)) return invalid(field, `${field} "${value}" is not a valid sip:user@host URI; ${ACCEPTED_TARGETS}`);
  const match = SIP_USER.exec(value);
  const user = match ? decodeComponent(match[1]!) : '';
  if (user === null) return invalid(field, `${field} "${value}" has a malformed percent-encoding in its user part`);
  return { kind: 'sip', uri: value, user, postdial: '' };
}

function invalid(field: string, message: string): Refusal {
  return new Refusal('invalid_target', message, { field });
}

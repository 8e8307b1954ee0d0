/**
 * Vertical service codes that a caller dials in front of a number to change how the call is placed
 * (not where it goes): GSM supplementary-service codes such as `*31#` / `#31#` (CLIR, 3GPP TS 22.030)
 * and the North American per-call codes `*67` (block caller ID), `*82` (unblock) and `*70` (cancel
 * call waiting). They are dialled as they are; the dial policy looks past them.
 */
const LEADING_SERVICE_CODES = /^(?:[*#]{1,2}[0-9]{2,3}#|\*(?:67|70|82))+/;

/** Splits `*31#0900123` into `{ serviceCodes: '*31#', rest: '0900123' }`; no codes → `serviceCodes: ''`. */
export function splitServiceCodes(dialString: string): { serviceCodes: string; rest: string } {
  const match = LEADING_SERVICE_CODES.exec(dialString);
  const serviceCodes = match ? match[0] : '';
  return { serviceCodes, rest: dialString.slice(serviceCodes.length) };
}

/** `scheme://user:password@` anywhere in a text: the password is group 2. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*:)([^\s/?#@]+)@/gi;
/** `sip:user:password@host` (and sips:, tel-less SIP URIs have no `//`). */
const SIP_PASSWORD = /\b(sips?:[^\s:@;/?#]*:)([^\s@;]+)@/gi;
/** `Authorization: Bearer …` / `Basic …` / `Digest …` credentials as they appear in a header echoed into a message. */
const AUTH_SCHEME = /\b(Bearer|Basic|Digest)\s+[^\s,;"']+/g;

/**
 * A text (an error message, a log line, a status detail) with the credentials it may carry masked as
 * `***`: the password of every URL's userinfo (`http://bob:***@crm…`, `sip:303:***@pbx…`) and the
 * credentials after `Bearer`, `Basic` or `Digest`. Anything else is left as it is.
 */
export function maskCredentials(text: string): string {
  if (!text.includes('@') && !/Bearer|Basic|Digest/.test(text)) return text;
  return text.replace(URL_PASSWORD, '$1***@').replace(SIP_PASSWORD, '$1***@').replace(AUTH_SCHEME, '$1 ***');
}

/**
 * Where credentials stand in a text: group 1 is kept, group 2 is the secret, replaced by `mask`.
 * - `scheme://user:password@` anywhere in a text (RFC 3986 §3.2.1 userinfo, deprecated there too);
 * - `sip:user:password@host` (and sips:; SIP URIs have no `//`);
 * - `Authorization: Bearer …` / `Basic …` / `Digest …` credentials as they appear in a header echoed into a message
 *   (not the placeholder `<token>` in a message that says how to send one).
 */
const SECRETS: { pattern: RegExp; mask: string }[] = [
  { pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*:)([^\s/?#@]+)(?=@)/gi, mask: '***' },
  { pattern: /\b(sips?:[^\s:@;/?#]*:)([^\s@;]+)(?=@)/gi, mask: '***' },
  // Not the placeholder `<token>` of a message that says how to send one ("Authorization: Bearer <token>").
  { pattern: /\b(Bearer|Basic|Digest)(\s+(?!<token>(?:[\s,;"']|$))[^\s,;"']+)/g, mask: ' ***' },
];

/**
 * A text (an error message, a log line, a status detail) with the credentials it may carry masked as
 * `***`: the password of every URL's userinfo (`http://bob:***@crm…`, `sip:303:***@pbx…`) and the
 * credentials after `Bearer`, `Basic` or `Digest`. Anything else is left as it is.
 */
export function maskCredentials(text: string): string {
  return maskCredentialsAt(text, 0).text;
}

/**
 * `maskCredentials(text)`, and `offset` (a position in `text`) moved to the same character of the
 * masked text; a position inside a masked secret moves to the start of its mask. Error excerpts use it
 * to keep their caret under the character it points at.
 */
export function maskCredentialsAt(text: string, offset: number): { text: string; offset: number } {
  if (!text.includes('@') && !/Bearer|Basic|Digest/.test(text)) return { text, offset };
  let masked = text;
  let at = offset;
  for (const { pattern, mask } of SECRETS) {
    let moved = at;
    masked = masked.replace(pattern, (_match, kept: string, secret: string, index: number) => {
      const from = index + kept.length;
      const to = from + secret.length;
      if (at >= to) moved += mask.length - secret.length;
      else if (at > from) moved -= at - from;
      return kept + mask;
    });
    at = moved;
  }
  return { text: masked, offset: at };
}

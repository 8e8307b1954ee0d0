/** The CSeq value (RFC 3261 §20.16): a number, then the method. */
export const CSEQ = /^\d{1,10}\s+([A-Za-z]+)$/;
/** A `tag` parameter in a To value (§12.1: a request inside a dialog carries one). */
export const TO_TAG = /;\s*tag=/i;

/** The long names of the compact header forms SIP messages use (RFC 3261 §7.3.3, §20), keyed lower-case. */
const LONG_NAMES: Readonly<Record<string, string>> = { v: 'via', i: 'call-id', f: 'from', t: 'to', l: 'content-length', m: 'contact', c: 'content-type' };

/** A header's name as `forEachHeaderLine` and the peek key it: `raw` lower-cased, a compact form (RFC 3261 §7.3.3) as its long name. */
export function longHeaderName(lowerCased: string): string {
  return LONG_NAMES[lowerCased] ?? lowerCased;
}

/**
 * Walks the header lines of a SIP message in one pass, for the glances that read a few headers
 * without the full peek: calls `visit(name, value)` for each line between the start line (which ends
 * at `startLineEnd`) and the blank line at `headEnd`, with the name lower-cased and a compact form
 * given as its long name (`longHeaderName`, RFC 3261 §7.3.3) and `value()` slicing the trimmed value only when the visitor asks.
 * Returns false — and stops — at a folded line (§7.3.1) or a line without a colon: those are left to
 * the full peek. Never throws.
 */
export function forEachHeaderLine(text: string, startLineEnd: number, headEnd: number, visit: (name: string, value: () => string) => void): boolean {
  let lineEnd = startLineEnd;
  while (lineEnd < headEnd) {
    const start = lineEnd + 2;
    lineEnd = text.indexOf('\r\n', start);
    const first = text.charCodeAt(start);
    if (first === 0x20 || first === 0x09) return false;
    const colon = text.indexOf(':', start);
    if (colon === -1 || colon > lineEnd) return false;
    const valueEnd = lineEnd;
    visit(longHeaderName(text.slice(start, colon).trim().toLowerCase()), () => text.slice(colon + 1, valueEnd).trim());
  }
  return true;
}

import type { EndCause } from '@callhook/core';

/** One protocol's entry in a Reason header (RFC 3326 §2): `SIP ;cause=200 ;text="Call completed elsewhere"`. */
export interface ReasonValue {
  protocol: string;
  cause: number | null;
  text: string | null;
}

const ENTRY = /^\s*([A-Za-z0-9.!%*_+`'~-]+)\s*((?:;\s*[^;]*)*)$/;

/**
 * Parses the values of Reason headers (RFC 3326 §2; several may be comma-separated). An entry
 * that does not parse is skipped: a Reason header only ever refines why a call ended.
 */
export function parseReason(headerValues: readonly string[]): ReasonValue[] {
  const out: ReasonValue[] = [];
  for (const value of headerValues) {
    for (const entry of splitOutsideQuotes(value, ',')) {
      const match = ENTRY.exec(entry);
      if (!match) continue;
      let cause: number | null = null;
      let text: string | null = null;
      for (const param of splitOutsideQuotes(match[2] ?? '', ';')) {
        const eq = param.indexOf('=');
        if (eq === -1) continue;
        const name = param.slice(0, eq).trim().toLowerCase();
        const raw = param.slice(eq + 1).trim();
        if (name === 'cause' && /^\d{1,5}$/.test(raw)) cause = Number(raw);
        if (name === 'text') text = raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
      }
      out.push({ protocol: match[1]!.toUpperCase(), cause, text });
    }
  }
  return out;
}

/**
 * What a CANCEL's Reason says about how an unanswered inbound call ended: `SIP;cause=200` means
 * another device answered it (RFC 3326 §2, as forking PBXs send "Call completed elsewhere"), which
 * is not a missed call. Anything else: the caller gave up (`normal`).
 */
export function cancelCause(reasons: readonly ReasonValue[]): { cause: EndCause; detail?: string } {
  const sip = reasons.find((reason) => reason.protocol === 'SIP' && reason.cause !== null);
  if (sip?.cause === 200) return { cause: 'answered_elsewhere', detail: sip.text ?? 'answered elsewhere' };
  return { cause: 'normal', ...(sip ? { detail: `CANCEL: SIP ${sip.cause}${sip.text ? ` ${sip.text}` : ''}` } : {}) };
}

function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && quoted && i + 1 < value.length) {
      current += c + value[++i]!;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  if (current.trim() !== '') parts.push(current);
  return parts;
}

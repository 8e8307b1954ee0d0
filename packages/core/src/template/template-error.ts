import { CallhookError } from '../errors.js';

/** A template error that points at the offending offset with a caret excerpt. */
export class TemplateError extends CallhookError {
  readonly excerpt: string;

  constructor(
    readonly reason: string,
    readonly template: string,
    readonly offset: number,
  ) {
    const excerpt = caretExcerpt(template, offset);
    super('invalid_template', `${reason} (at offset ${offset})\n${excerpt}`, { offset, reason });
    this.name = 'TemplateError';
    this.excerpt = excerpt;
  }
}

const WINDOW = 40;
const MASK = '***';
/** `scheme://user:password@` — the password is group 2 (RFC 3986 §3.2.1 userinfo, deprecated there too). */
const USERINFO_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:)([^/?#@]*)@/i;

/**
 * `text` with the password of a URL's userinfo replaced by `***`, and `offset` moved to match, so
 * an error excerpt never shows a credential (`http://bob:***@crm…`).
 */
export function maskUrlPassword(text: string, offset: number): { text: string; offset: number } {
  const match = USERINFO_PASSWORD.exec(text);
  if (!match || match[2] === '') return { text, offset };
  const from = match[1]!.length;
  const to = from + match[2]!.length;
  const moved = offset <= from ? offset : offset >= to ? offset - (to - from) + MASK.length : from;
  return { text: text.slice(0, from) + MASK + text.slice(to), offset: moved };
}

/** Two lines: a window of the template around `offset` (a URL's password masked), and a caret under it. */
export function caretExcerpt(original: string, originalOffset: number): string {
  const { text, offset } = maskUrlPassword(original, originalOffset);
  const start = Math.max(0, offset - WINDOW);
  const end = Math.min(text.length, offset + WINDOW);
  const prefix = start > 0 ? '…' : '';
  const suffix = end < text.length ? '…' : '';
  const line = prefix + text.slice(start, end).replace(/[\r\n\t]/g, ' ') + suffix;
  return `  ${line}\n  ${' '.repeat(prefix.length + offset - start)}^`;
}

import { CallhookError } from '../errors.js';
import { maskCredentialsAt } from '../mask-credentials.js';

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
/** Two lines: a window of the template around `offset` (credentials masked, as `maskCredentials` does), and a caret under it. */
export function caretExcerpt(original: string, originalOffset: number): string {
  const { text, offset } = maskCredentialsAt(original, originalOffset);
  const start = Math.max(0, offset - WINDOW);
  const end = Math.min(text.length, offset + WINDOW);
  const prefix = start > 0 ? '…' : '';
  const suffix = end < text.length ? '…' : '';
  const line = prefix + text.slice(start, end).replace(/[\r\n\t]/g, ' ') + suffix;
  return `  ${line}\n  ${' '.repeat(prefix.length + offset - start)}^`;
}

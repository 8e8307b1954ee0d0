import { PLACEHOLDERS, type PlaceholderName } from '@callhook/core';

export interface CompletionQuery {
  /** Where the placeholder being typed starts (its `<`). */
  start: number;
  /** The name typed so far, after `<$` or `<base64($`. */
  prefix: string;
  base64: boolean;
}

const OPEN_PLACEHOLDER = /<(base64\(\$?|\$)?([a-z_]*)$/;

/** The placeholder the user is typing just before the caret, if any. */
export function completionQuery(value: string, caret: number): CompletionQuery | null {
  const match = OPEN_PLACEHOLDER.exec(value.slice(0, caret));
  if (!match) return null;
  return { start: match.index, prefix: match[2] ?? '', base64: (match[1] ?? '').startsWith('base64') };
}

export function matchingPlaceholders(prefix: string): PlaceholderName[] {
  return PLACEHOLDERS.filter((name) => name.includes(prefix)).sort((a, b) => Number(!a.startsWith(prefix)) - Number(!b.startsWith(prefix)));
}

export function placeholderText(name: PlaceholderName, base64: boolean): string {
  return base64 ? `<base64($${name})>` : `<$${name}>`;
}

/** Replaces the partly typed placeholder (up to the caret) with the chosen one. */
export function insertPlaceholder(value: string, caret: number, query: CompletionQuery, name: PlaceholderName): { value: string; caret: number } {
  const text = placeholderText(name, query.base64);
  const rest = value.slice(caret).replace(/^[a-z_]*\)?>?/, '');
  return { value: value.slice(0, query.start) + text + rest, caret: query.start + text.length };
}

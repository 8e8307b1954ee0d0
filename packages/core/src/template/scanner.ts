import { closestName } from './closest-name.js';
import { placeholderIndex, PLACEHOLDERS } from './placeholders.js';
import { TemplateError } from './template-error.js';

export type Token =
  { type: 'text'; value: string; offset: number } | { type: 'placeholder'; index: number; name: string; base64: boolean; offset: number; length: number };

const PLAIN = /^<\$([A-Za-z0-9_]*)>/;
const BASE64 = /^<base64\(\$([A-Za-z0-9_]*)\)>/;

/**
 * Splits a template into text and placeholder tokens. `<$name>` substitutes the value;
 * `<base64($name)>` substitutes its base64 (of UTF-8). Any other `<` is plain text.
 */
export function scan(template: string): Token[] {
  const tokens: Token[] = [];
  let textStart = 0;
  let i = template.indexOf('<');
  while (i !== -1) {
    const rest = template.slice(i);
    const base64 = rest.startsWith('<base64(');
    if (!base64 && !rest.startsWith('<$')) {
      i = template.indexOf('<', i + 1);
      continue;
    }
    const match = (base64 ? BASE64 : PLAIN).exec(rest);
    if (!match) throw new TemplateError(unclosedReason(base64), template, i);
    const name = match[1]!;
    const index = placeholderIndex(name);
    if (index === undefined) {
      const suggestion = closestName(name, PLACEHOLDERS);
      const fix = suggestion ? `did you mean "<$${suggestion}>"?` : `known: ${PLACEHOLDERS.map((p) => `<$${p}>`).join(' ')}`;
      throw new TemplateError(`unknown placeholder "<$${name}>"; ${fix}`, template, i);
    }
    if (i > textStart) tokens.push({ type: 'text', value: template.slice(textStart, i), offset: textStart });
    tokens.push({ type: 'placeholder', index, name, base64, offset: i, length: match[0].length });
    textStart = i + match[0].length;
    i = template.indexOf('<', textStart);
  }
  if (textStart < template.length) tokens.push({ type: 'text', value: template.slice(textStart), offset: textStart });
  return tokens;
}

function unclosedReason(base64: boolean): string {
  return base64
    ? 'malformed placeholder: write <base64($name)> with a known name'
    : 'malformed placeholder: write <$name> with letters, digits and _ and close it with ">"';
}

import type { Token } from './scanner.js';
import { TemplateError } from './template-error.js';

export type UrlComponent = 'scheme' | 'authority' | 'path' | 'query' | 'fragment';

/**
 * Checks that a template is an absolute http(s) URL whose scheme, host and port are literal, and
 * says which component each placeholder lands in.
 */
export function checkUrlStructure(template: string, tokens: Token[]): UrlComponent[] {
  for (const token of tokens) {
    if (token.type !== 'text') continue;
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
    const bad = /[\s\u0000-\u001f\u007f]/.exec(token.value);
    if (bad) {
      const hex = bad[0].charCodeAt(0).toString(16).padStart(2, '0').toUpperCase();
      throw new TemplateError(`URL contains a raw whitespace or control character; write it as %${hex}`, template, token.offset + bad.index);
    }
  }
  const first = tokens[0];
  const schemeMatch = first?.type === 'text' ? /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(first.value) : null;
  if (!schemeMatch) {
    throw new TemplateError('an Action URL must be an absolute URL starting with http:// or https:// (a placeholder may not stand in the scheme)', template, 0);
  }
  const scheme = schemeMatch[1]!.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    throw new TemplateError(`scheme "${scheme}" is not allowed; use http:// or https://`, template, 0);
  }

  const hostStart = schemeMatch[0].length;
  const components: UrlComponent[] = [];
  let component: UrlComponent = 'authority';
  let skeleton = '';
  for (const token of tokens) {
    if (token.type === 'placeholder') {
      if (component === 'authority') {
        throw new TemplateError('a placeholder may not stand in the host or port; put it in the path or the query', template, token.offset);
      }
      components.push(component);
      skeleton += 'x';
      continue;
    }
    const start = token === first ? schemeMatch[0].length : 0;
    for (let i = start; i < token.value.length; i++) {
      const c = token.value[i];
      if (c === '#') component = 'fragment';
      else if (c === '?' && component !== 'fragment') component = 'query';
      else if (c === '/' && component === 'authority') component = 'path';
    }
    skeleton += token.value;
  }
  if (/^(?:[/?#]|$)/.test(skeleton.slice(hostStart))) {
    throw new TemplateError('the URL has no host; write it as http://host[:port]/…', template, hostStart);
  }

  let parsed: URL;
  try {
    parsed = new URL(skeleton);
  } catch {
    throw new TemplateError('not a valid URL; check the host and port', template, hostStart);
  }
  if (parsed.hostname === '') throw new TemplateError('the URL has no host', template, schemeMatch[0].length);
  if (parsed.username !== '' || parsed.password !== '') {
    throw new TemplateError("credentials in the URL are not supported; use the slot's headers option", template, schemeMatch[0].length);
  }
  return components;
}

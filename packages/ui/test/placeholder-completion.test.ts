import { describe, expect, it } from 'vitest';
import { completionQuery, insertPlaceholder, matchingPlaceholders } from '../src/pages/action-urls/placeholder-completion.js';

describe('placeholder completion', () => {
  it.each([
    ['http://h/?n=<$rem', { start: 12, prefix: 'rem', base64: false }],
    ['http://h/?n=<', { start: 12, prefix: '', base64: false }],
    ['http://h/?n=<base64($cal', { start: 12, prefix: 'cal', base64: true }],
    ['http://h/?n=<$remote_party>', null],
    ['http://h/?n=abc', null],
  ])('finds the placeholder typed at the end of %s', (text, expected) => {
    expect(completionQuery(text, text.length)).toEqual(expected);
  });

  it('lists names that start with the prefix first', () => {
    expect(matchingPlaceholders('remote')).toEqual(['remote_party', 'remote_alias']);
    expect(matchingPlaceholders('party')).toEqual(['local_party', 'remote_party']);
  });

  it.each([
    ['http://h/?n=<$rem', 'remote_party', 'http://h/?n=<$remote_party>'],
    ['http://h/?n=<base64($rem', 'remote_alias', 'http://h/?n=<base64($remote_alias)>'],
  ] as const)('replaces %s with the chosen placeholder', (text, name, expected) => {
    const query = completionQuery(text, text.length)!;
    expect(insertPlaceholder(text, text.length, query, name)).toEqual({ value: expected, caret: expected.length });
  });

  it('replaces the rest of a half-typed name after the caret', () => {
    const text = 'http://h/?n=<$remte_party>&x=1';
    const query = completionQuery(text, 16)!;
    expect(insertPlaceholder(text, 16, query, 'remote_party').value).toBe('http://h/?n=<$remote_party>&x=1');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { originOf } from '../../src/index.js';

/** What originOf answered when it parsed every URL whole: the reference its kept origins must match. */
function parsedWhole(url: string): string {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? url : origin;
  } catch {
    return url;
  }
}

const http = (url: string) => originOf({ url, mode: 'http' });

describe('originOf', () => {
  it.each([
    ['http://a/b', 'http://a'],
    ['https://A.Example.COM:443/x?y#z', 'https://a.example.com'],
    ['http://host:80/p', 'http://host'],
    ['http://u:p@h:81/x', 'http://h:81'],
    ['http://u/p@h/x', 'http://u'],
    ['http://h?x', 'http://h'],
    ['http://[::1]:8080/a', 'http://[::1]:8080'],
    ['http:///evil.example/x', 'http://evil.example'], // the parser skips the extra slashes
    ['http://\\evil.example/x', 'http://evil.example'],
    ['http://a\tb/c', 'http://ab'],
    ['HTTP://H/x', 'http://h'],
    ['http://host:99999/x', 'http://host:99999/x'], // no origin: the URL itself
    ['http://h /x', 'http://h /x'],
    ['http://', 'http://'],
  ])('%s → %s, the same the second time', (url, origin) => {
    expect(http(url)).toBe(origin);
    expect(http(url)).toBe(origin);
  });

  it('names other sinks by their mode', () => {
    expect(originOf({ url: 'http://a/b', mode: 'browser' })).toBe('browser:');
  });

  it('answers what parsing the whole URL answers, for URLs that share authorities and for odd ones', () => {
    const piece = fc.constantFrom('a', 'B', '1', '.', ':', '/', '\\', '?', '#', '@', '%', '[', ']', ' ', '\t', '-', '~', 'é', '0', 'x', '8080');
    const url = fc
      .tuple(fc.constantFrom('http://', 'https://', 'HTTP://', 'http:', 'ftp://'), fc.array(piece, { maxLength: 14 }))
      .map(([scheme, rest]) => scheme + rest.join(''));
    fc.assert(
      fc.property(url, (u) => {
        expect(http(u)).toBe(parsedWhole(u));
        expect(http(u)).toBe(parsedWhole(u)); // kept
      }),
      { numRuns: 5_000 },
    );
  });
});

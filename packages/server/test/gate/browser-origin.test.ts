import { describe, expect, it } from 'vitest';
import { isTrustedHost, judgeBrowserRequest } from '../../src/index.js';

const CRM = 'https://crm.example.com';
const HOST = { host: '127.0.0.1:61234' };

describe('judgeBrowserRequest', () => {
  const cases: [string, Record<string, string>, boolean, boolean][] = [
    // name, headers, allowed, navigation
    ['curl or a CRM server (no browser headers)', { ...HOST }, true, false],
    ['typed URL or bookmark', { ...HOST, 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' }, true, true],
    [
      'clicked link on an allowed origin',
      { ...HOST, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-user': '?1', referer: `${CRM}/contacts/1` },
      true,
      true,
    ],
    [
      'clicked link on another site',
      { ...HOST, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-user': '?1', referer: 'https://evil.example/' },
      false,
      true,
    ],
    ['scripted navigation without referrer', { ...HOST, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' }, false, true],
    [
      'img tag on another site',
      { ...HOST, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image', referer: 'https://evil.example/' },
      false,
      false,
    ],
    ['script tag on another site', { ...HOST, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' }, false, false],
    [
      'iframe on another site',
      { ...HOST, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe', referer: 'https://evil.example/' },
      false,
      true,
    ],
    ['form post from another site', { ...HOST, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', origin: 'https://evil.example' }, false, true],
    ['fetch from another site', { ...HOST, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', origin: 'https://evil.example' }, false, false],
    ['fetch from the allowed origin', { ...HOST, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', origin: CRM }, true, false],
    [
      'beacon from another site',
      { ...HOST, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'empty', origin: 'https://evil.example' },
      false,
      false,
    ],
    ['opaque origin (sandboxed iframe)', { ...HOST, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', origin: 'null' }, false, false],
    [
      'prefetch from the allowed origin',
      { ...HOST, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-purpose': 'prefetch', referer: `${CRM}/` },
      false,
      false,
    ],
    ['omnibox prerender of a typed URL', { ...HOST, 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate', 'sec-purpose': 'prefetch;prerender' }, false, true],
    ['legacy Purpose: prefetch', { ...HOST, purpose: 'prefetch' }, false, false],
    [
      'local dev server on another port (same-site)',
      { ...HOST, 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors', origin: 'http://127.0.0.1:3000' },
      false,
      false,
    ],
    ['same-origin page on an IP host', { ...HOST, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', origin: 'http://127.0.0.1:61234' }, true, false],
    [
      'same-origin page on a rebound DNS name',
      { host: 'evil.example:61234', 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', origin: 'http://evil.example:61234' },
      false,
      false,
    ],
    ['old browser, foreign Origin, no Sec-Fetch', { ...HOST, origin: 'https://evil.example' }, false, false],
    ['old browser, foreign Referer, no Sec-Fetch', { ...HOST, referer: 'https://evil.example/page' }, false, false],
    ['old browser, allowed Referer', { ...HOST, referer: `${CRM}/x` }, true, false],
  ];

  it.each(cases)('%s', (_name, headers, allowed, navigation) => {
    const verdict = judgeBrowserRequest(headers, [CRM]);
    expect({ allowed: verdict.allowed, navigation: verdict.navigation }).toEqual({ allowed, navigation });
    if (!allowed) expect(verdict.reason).toMatch(/allowOrigins|prefetch/);
  });

  it('echoes only an allowed Origin for CORS', () => {
    expect(judgeBrowserRequest({ ...HOST, origin: CRM }, [CRM]).corsOrigin).toBe(CRM);
    expect(judgeBrowserRequest({ ...HOST, origin: 'https://evil.example' }, [CRM]).corsOrigin).toBeNull();
  });

  it.each([
    ['127.0.0.1:61234', true],
    ['[::1]:61234', true],
    ['localhost:61234', true],
    ['LOCALHOST', true],
    ['evil.example:61234', false],
    [undefined, false],
  ] as const)('isTrustedHost(%s) = %s', (host, expected) => {
    expect(isTrustedHost(host)).toBe(expected);
  });
});

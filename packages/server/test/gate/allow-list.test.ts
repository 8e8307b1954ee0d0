import { describe, expect, it } from 'vitest';
import { AllowList, presentedToken, tokenAccepted, tokensMatch } from '../../src/index.js';

describe('AllowList', () => {
  const list = new AllowList(['127.0.0.0/8', '::1/128', '192.168.1.20', 'fd00::/8']);
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['::ffff:127.0.0.1', true],
    ['::1', true],
    ['192.168.1.20', true],
    ['192.168.1.21', false],
    ['fd12::1', true],
    ['fe80::1', false],
    ['10.0.0.1', false],
    ['not-an-ip', false],
    [undefined, false],
  ] as const)('%s → %s', (peer, expected) => {
    expect(list.allows(peer)).toBe(expected);
    expect(list.allows(peer)).toBe(expected); // the remembered verdict is the same
  });

  it('keeps answering right past the number of peers it remembers', () => {
    const fresh = new AllowList(['10.0.0.0/16']);
    for (let i = 0; i < 10_000; i++) {
      expect(fresh.allows(`10.0.${i & 255}.${(i >> 8) & 255}`)).toBe(true);
      expect(fresh.allows(`10.2.${i & 255}.${(i >> 8) & 255}`)).toBe(false);
    }
  });
});

describe('token', () => {
  it.each([
    [undefined, '/?action=answer', null],
    ['Bearer abc', '/?action=answer', 'abc'],
    ['bearer  abc ', '/', 'abc'],
    ['Basic abc', '/', ''],
    [undefined, '/?action=answer&token=a%2Bb', 'a+b'],
    [undefined, '/?token=%zz', ''],
    [undefined, '/?xtoken=no&token=abc', 'abc'],
    [undefined, '/?action=answer&mytoken=abc', null],
    [undefined, '/token=abc?action=answer', null],
    [undefined, '/?token=&action=answer', ''],
    [undefined, '/?token=abc&action=answer', 'abc'],
  ] as const)('presentedToken(%s, %s) = %s', (authorization, url, expected) => {
    expect(presentedToken(authorization, url)).toBe(expected);
  });

  it('compares tokens of any length without throwing', () => {
    expect(tokensMatch('secret-token-123', 'secret-token-123')).toBe(true);
    expect(tokensMatch('short', 'secret-token-123')).toBe(false);
    expect(tokensMatch('', 'secret-token-123')).toBe(false);
    expect(tokensMatch('secret-token-1234', 'secret-token-123')).toBe(false);
    expect(tokensMatch('x'.repeat(5_000), 'x'.repeat(512))).toBe(false);
    expect(tokensMatch('ü'.repeat(512), 'ü'.repeat(512))).toBe(true);
    expect(tokensMatch('secret-token-123', 'other-token-4567')).toBe(false);
    expect(tokensMatch('other-token-4567', 'other-token-4567')).toBe(true); // a changed setting is picked up
  });

  it('remembers a verdict per connection, only for the same token against the same setting', () => {
    const connection = {};
    const other = {};
    expect(tokenAccepted(connection, 'wrong-token-00000', 'secret-token-123')).toBe(false);
    expect(tokenAccepted(connection, 'wrong-token-00000', 'secret-token-123')).toBe(false);
    expect(tokenAccepted(connection, 'secret-token-123', 'secret-token-123')).toBe(true);
    expect(tokenAccepted(connection, 'secret-token-123', 'secret-token-123')).toBe(true);
    expect(tokenAccepted(connection, 'secret-token-123', 'rotated-token-456')).toBe(false); // the setting changed
    expect(tokenAccepted(other, 'rotated-token-456', 'rotated-token-456')).toBe(true);
    expect(tokenAccepted(connection, 'rotated-token-456', 'rotated-token-456')).toBe(true);
  });
});

import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { advertisedAddress } from '../src/transport/advertised-address.js';

describe('advertisedAddress', () => {
  it('keeps a concrete bind address', () => {
    expect(advertisedAddress('127.0.0.1')).toBe('127.0.0.1');
    expect(advertisedAddress('::1')).toBe('::1');
  });

  it('turns a wildcard bind into a concrete address of the same family', () => {
    expect(isIP(advertisedAddress('0.0.0.0'))).toBe(4);
    expect(advertisedAddress('0.0.0.0')).not.toBe('0.0.0.0');
    expect(isIP(advertisedAddress('::'))).toBe(6);
  });
});

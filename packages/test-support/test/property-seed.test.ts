import { describe, expect, it } from 'vitest';
import { DEFAULT_PROPERTY_SEED, propertySeed } from '../src/index.js';

describe('propertySeed', () => {
  it('is the fixed default unless FC_SEED names a seed or asks for a random one', () => {
    expect(propertySeed({})).toBe(DEFAULT_PROPERTY_SEED);
    expect(propertySeed({ FC_SEED: '' })).toBe(DEFAULT_PROPERTY_SEED);
    expect(propertySeed({ FC_SEED: '1166893012' })).toBe(1166893012);
    expect(propertySeed({ FC_SEED: '-7' })).toBe(-7);
    expect(propertySeed({ FC_SEED: 'random' })).toBeUndefined();
    expect(() => propertySeed({ FC_SEED: 'soon' })).toThrow(/whole number or "random"/);
    expect(() => propertySeed({ FC_SEED: '1.5' })).toThrow(/whole number/);
  });
});

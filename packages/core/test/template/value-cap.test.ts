import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capValue, compileTemplate, deliveriesFor, expansionContext, loadSettings, DEFAULT_MAX_VALUE_LENGTH, type CallSnapshot } from '../../src/index.js';
import { SPEC_EXAMPLE_CALL } from '../support/spec-example.js';

const graphemeCount = (s: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].length;

describe('substituted values are capped per slot', () => {
  it('cuts a 6,000-character caller name to the default cap, so the URL stays short', () => {
    const name = 'Ä'.repeat(6_000);
    const loaded = loadSettings({ actionUrls: { enabled: true, slots: [{ on: 'inbound', url: 'http://127.0.0.1:9/in?name=<$remote_alias>' }] } });
    const call: CallSnapshot = { ...SPEC_EXAMPLE_CALL, remoteAlias: name };
    const [delivery] = deliveriesFor(loaded, { action: 'inbound', call, at: 0, sequence: 1 });
    const value = new URL(delivery!.url).searchParams.get('name')!;
    expect(value).toBe('Ä'.repeat(DEFAULT_MAX_VALUE_LENGTH));
    expect(delivery!.url.length).toBeLessThan(2_000);
  });

  it("takes the slot's maxValueLength, and leaves shorter values alone", () => {
    const loaded = loadSettings({
      actionUrls: { enabled: true, slots: [{ on: 'inbound', url: 'http://127.0.0.1:9/in?n=<$remote_alias>&p=<$remote_party>', maxValueLength: 20 }] },
    });
    const call: CallSnapshot = { ...SPEC_EXAMPLE_CALL, remoteAlias: 'x'.repeat(50), remoteParty: '420' };
    const url = new URL(deliveriesFor(loaded, { action: 'inbound', call, at: 0, sequence: 1 })[0]!.url);
    expect(url.searchParams.get('n')).toBe('x'.repeat(20));
    expect(url.searchParams.get('p')).toBe('420');
  });

  it('refuses a maxValueLength out of range, naming the field', () => {
    expect(() => loadSettings({ actionUrls: { enabled: true, slots: [{ on: 'inbound', url: 'http://h/', maxValueLength: 3 }] } })).toThrow(/maxValueLength/);
  });

  it('never splits a character or a percent-escape: the cut value decodes to a prefix of the original', () => {
    const template = compileTemplate('http://127.0.0.1:9/p/<$remote_alias>?a=<$remote_alias>&b=<base64($remote_alias)>');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.integer({ min: 1, max: 40 }), (alias, cap) => {
        const url = template.expand(expansionContext({ action: 'inbound', call: { ...SPEC_EXAMPLE_CALL, remoteAlias: alias }, at: 0 }), cap);
        const parsed = new URL(url);
        const value = parsed.searchParams.get('a')!;
        expect(alias.startsWith(value)).toBe(true);
        expect(graphemeCount(value)).toBe(Math.min(cap, graphemeCount(alias)));
        expect(Buffer.from(parsed.searchParams.get('b')!, 'base64').toString('utf8')).toBe(value);
      }),
    );
  });

  it('keeps emoji sequences and combining marks whole', () => {
    expect(capValue('👩‍👩‍👧‍👦abc', 1)).toBe('👩‍👩‍👧‍👦');
    expect(capValue('e\u0301e\u0301e\u0301', 2)).toBe('e\u0301e\u0301');
    expect(capValue('short', 10)).toBe('short');
  });
});

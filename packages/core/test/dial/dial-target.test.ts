import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDialTarget, parseInboundRequest, readDialTarget, readTarget, Refusal, remotePartyOf } from '../../src/index.js';

const dial = (query: string) => parseInboundRequest(`/?action=make_call&target=${query}`);

describe('dial strings as CRMs and browsers write them', () => {
  it.each([
    // (0) is the national trunk prefix that international notation brackets.
    ['%2B41%20(0)31%20123%2021%2021', '+41311232121'],
    // quote_plus / urlencode turn spaces into +: after the first character a + is a space.
    ['%2B49+4567+45674567', '+49456745674567'],
    ['030+123+456', '030123456'],
    ['+4930123', '+4930123'],
    ['tel:+4930123460', '+4930123460'],
    ['tel:%2B1-201-555-0123;ext=1234', '+12015550123p1234'],
    ['tel:+1-201-555-0123;postd=pp22', '+12015550123pp22'],
    ['%2B1%20201%20555%200123%2C%2C1234', '+12015550123pp1234'],
    ['0301234w*2', '0301234w*2'],
    ['030%2F123%20456', '030123456'],
    ['*31%230900123', '*31#0900123'],
    ['*31%23%2B49%2030%20123', '*31#+4930123'],
    ['*21%23', '*21#'],
    ['tel:7042;phone-context=example.com', '7042'],
    ['sip:%2530900@x', 'sip:%30900@x'],
    // A SIP address written without its scheme.
    ['alice%40pbx.example.com', 'sip:alice@pbx.example.com'],
  ])('target=%s dials %s', (query, target) => {
    expect(dial(query)).toEqual({ action: 'make_call', target, force: false });
  });

  it.each([
    ['%2B0900123', /not an E\.164 number: after \+ comes a country code \(it never starts with 0\)/],
    ['%2B4912345678901234', /at most 15 digits/],
    ['tel:+4930123;isub=12', /ISDN subaddresses/],
    ['tel:+4930123;foo=1', /parameter ;foo/],
    ['tel:+4930123;ext=', /empty ;ext=/],
    ['tel:+4930123;ext=12;postd=3', /both ;ext= and ;postd=/],
    ['0301234,x', /postdial characters/],
    ['12a3', /not a phone number; use digits/],
    ['%2B', /not a phone number/],
  ])('target=%s is refused naming target and what is accepted', (query, message) => {
    let error: unknown;
    try {
      dial(query);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'invalid_target', details: { field: 'target' } });
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^target /);
  });

  it('reports the same party whatever the notation: no scheme, no separators, no postdial', () => {
    const party = (raw: string) => {
      const target = readDialTarget(raw);
      if (target instanceof Refusal) throw target.toError();
      return remotePartyOf(target);
    };
    expect(party('tel:+4930123460')).toBe('+4930123460');
    expect(party('+49 30 123460')).toBe('+4930123460');
    expect(party('tel:+49-30-123460;ext=7')).toBe('+4930123460');
    expect(party('sip:%2B49-30-123460@pbx')).toBe('+4930123460');
    expect(party('sip:alice@pbx')).toBe('alice');
  });

  const dialChar = fc.constantFrom(...'0123456789*#');
  const separator = fc.constantFrom(' ', '-', '.', '/', '+');
  const number = fc.tuple(
    fc.boolean(),
    fc.constantFrom(...'123456789'),
    fc.array(fc.tuple(fc.constantFrom(...'0123456789'), fc.option(separator, { nil: '' })), { maxLength: 12 }),
  );

  it('canonical text reads back as itself (idempotent), for numbers with separators, pauses and service codes', () => {
    const raw = fc
      .tuple(
        fc.constantFrom('', '*31#', '#31#', '*67'),
        number,
        fc.option(fc.tuple(fc.constantFrom(',', 'p', 'w', 'P'), fc.array(dialChar, { minLength: 1, maxLength: 6 })), { nil: null }),
      )
      .map(
        ([codes, [plus, first, rest], post]) =>
          `${codes}${plus ? '+' : ''}${first}${rest.map(([d, s]) => d + s).join('')}${post ? post[0] + post[1].join('') : ''}`,
      );
    fc.assert(
      fc.property(raw, (text) => {
        const once = readTarget(text);
        expect(once).not.toBeInstanceOf(Refusal);
        expect(readTarget(once as string)).toBe(once);
      }),
    );
  });

  it('separators never change the digits dialled, and no digit is dropped', () => {
    fc.assert(
      fc.property(number, ([plus, first, rest]) => {
        const written = `${plus ? '+' : ''}${first}${rest.map(([d, s]) => d + s).join('')}`;
        const digits = `${plus ? '+' : ''}${first}${rest.map(([d]) => d).join('')}`;
        const target = readDialTarget(written);
        if (digits.length > 16 && plus) return; // E.164 allows 15 digits; refused, covered above
        expect(target).not.toBeInstanceOf(Refusal);
        expect(formatDialTarget(target as Exclude<typeof target, Refusal>)).toBe(digits);
      }),
    );
  });
});

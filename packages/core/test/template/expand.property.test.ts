import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTemplate, expansionContext, type CallSnapshot } from '../../src/index.js';
import { SPEC_EXAMPLE_CALL } from '../support/spec-example.js';

const tricky = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 64 }),
    fc.constantFrom('"', "'", ' ', '&', '#', '%', '+', '/', '?', '=', '%25', '\u0000', '\r\n', '\u007f', '..', 'ü', '📞'),
    fc.string({ unit: 'grapheme', minLength: 10_000, maxLength: 10_240 }),
    fc.array(fc.constantFrom('&', '#', '%', '+', '/', '?', ' ', 'a', '\u00e9', '\u{1F4DE}'), { maxLength: 200 }).map((a) => a.join('')),
  )
  .filter((s) => s.isWellFormed());

const templates = [
  'http://127.0.0.1:9000/in?party=<$remote_party>&alias=<$remote_alias>&local=<$local_alias>',
  'https://crm.example.com:8443/calls/<$remote_party>/<$remote_alias>?who=<$local_party>#<$remote_alias>',
  'http://[::1]:61000/p?x=1&y=<$remote_alias>&z=2',
];

describe('expansion keeps the URL structure for any values', () => {
  it.each(templates)(
    '%s',
    (template) => {
      const compiled = compileTemplate(template);
      const skeleton = new URL(template.replace(/<\$[a-z_]+>/g, 'x'));
      fc.assert(
        fc.property(tricky, tricky, tricky, tricky, (remoteParty, remoteAlias, localAlias, localParty) => {
          const call: CallSnapshot = { ...SPEC_EXAMPLE_CALL, remoteParty, remoteAlias, localAlias, localParty };
          const url = new URL(compiled.expand(expansionContext({ action: 'inbound', call, at: 0 })));
          expect(url.protocol).toBe(skeleton.protocol);
          expect(url.host).toBe(skeleton.host);
          expect(url.pathname.split('/').length).toBe(skeleton.pathname.split('/').length);
          expect([...url.searchParams.keys()]).toEqual([...skeleton.searchParams.keys()]);
          expect(url.href.includes('#')).toBe(template.includes('#'));
          const pathValues = url.pathname.split('/').map(decodeURIComponent);
          // "." and ".." would be dot segments: they arrive escaped twice (see encodedPathValue).
          const asPath = (v: string): string => (v === '.' || v === '..' ? v.replaceAll('.', '%2E') : v);
          if (template.includes('/calls/')) {
            expect(pathValues[2]).toBe(asPath(remoteParty));
            expect(pathValues[3]).toBe(asPath(remoteAlias));
            expect(decodeURIComponent(url.hash.slice(1))).toBe(remoteAlias);
            expect(url.searchParams.get('who')).toBe(localParty);
          } else if (template.includes('party=')) {
            expect(url.searchParams.get('party')).toBe(remoteParty);
            expect(url.searchParams.get('alias')).toBe(remoteAlias);
            expect(url.searchParams.get('local')).toBe(localAlias);
          } else {
            expect(url.searchParams.get('y')).toBe(remoteAlias);
          }
        }),
        { numRuns: 200 },
      );
    },
    60_000,
  );
});

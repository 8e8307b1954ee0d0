import { describe, expect, it } from 'vitest';
import { base64Utf8, compileTemplate, ExpansionContext, expansionContext, PLACEHOLDERS, TemplateError, type CallSnapshot } from '../../src/index.js';
import { SPEC_EXAMPLE_CALL, UTC_PLUS_ONE } from '../support/spec-example.js';

const at = Date.parse('2022-02-13T16:44:00.000Z');
function expand(template: string, call: Partial<CallSnapshot> = {}, action: 'inbound' | 'hold' | 'disconnected' = 'inbound'): string {
  return compileTemplate(template).expand(expansionContext({ action, call: { ...SPEC_EXAMPLE_CALL, ...call }, at }, UTC_PLUS_ONE));
}

describe('rejected templates point at the offending offset', () => {
  const cases: [string, string, number, RegExp][] = [
    ['unknown placeholder', 'http://h/?a=<$remote_number>', 12, /unknown placeholder "<\$remote_number>"; known: <\$action>/],
    ['a typo gets a suggestion', 'http://h/?a=<$remote_partyy>', 12, /unknown placeholder "<\$remote_partyy>"; did you mean "<\$remote_party>"\?/],
    ['a wrong case gets a suggestion', 'http://h/?a=<$Call_GUID>', 12, /did you mean "<\$call_guid>"/],
    ['unclosed placeholder', 'http://h/?a=<$remote_party', 12, /malformed placeholder/],
    ['malformed base64 form', 'http://h/?a=<base64($remote_party>', 12, /<base64\(\$name\)>/],
    ['placeholder in host', 'http://<$remote_party>.example.com/', 7, /host or port/],
    ['placeholder in port', 'http://example.com:<$remote_party>/', 19, /host or port/],
    ['placeholder in scheme', '<$action>://example.com/', 0, /scheme/],
    ['not absolute', '/relative?x=<$action>', 0, /absolute URL/],
    ['ftp scheme', 'ftp://example.com/<$action>', 0, /scheme "ftp"/],
    ['raw space', 'http://example.com/a b', 20, /%20/],
    ['raw newline', 'http://example.com/a\nb', 20, /%0A/],
    ['no host', 'http:///path', 7, /no host/],
    ['credentials', 'http://user:pw@example.com/', 7, /credentials/],
  ];
  it.each(cases)('%s', (_name, template, offset, message) => {
    let error: unknown;
    try {
      compileTemplate(template);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TemplateError);
    const templateError = error as TemplateError;
    expect(templateError.offset).toBe(offset);
    expect(templateError.message).toMatch(message);
    const [line, caret] = templateError.excerpt.split('\n');
    expect(caret!.indexOf('^') - 2).toBe(line!.slice(2).indexOf(template.slice(offset, offset + 3).replace(/\n/g, ' ')));
  });
});

describe('expansion', () => {
  const cases: [string, string, Partial<CallSnapshot>, string][] = [
    ['query value with & = # + % and space', 'http://h/?n=<$remote_alias>', { remoteAlias: 'a&b=c#d+e%f g' }, 'http://h/?n=a%26b%3Dc%23d%2Be%25f%20g'],
    ['path segment with / and ?', 'http://h/calls/<$remote_party>/x', { remoteParty: 'a/b?c' }, 'http://h/calls/a%2Fb%3Fc/x'],
    ['fragment', 'http://h/#<$remote_party>', { remoteParty: 'x y#z' }, 'http://h/#x%20y%23z'],
    ['unicode', 'http://h/?n=<$remote_alias>', { remoteAlias: 'Zoë 📞' }, 'http://h/?n=Zo%C3%AB%20%F0%9F%93%9E'],
    ['lone surrogate becomes U+FFFD', 'http://h/?n=<$remote_party>', { remoteParty: 'a\ud800' }, 'http://h/?n=a%EF%BF%BD'],
    [
      'base64 is url-encoded too',
      'http://h/?n=<base64($remote_party)>',
      { remoteParty: '\u00fb\u00ff' },
      `http://h/?n=${encodeURIComponent(base64Utf8('\u00fb\u00ff'))}`,
    ],
    ['empty disposition before the end', 'http://h/?d=<$call_disposition>', {}, 'http://h/?d='],
    ['placeholder at the very end', 'http://h/<$action>', {}, 'http://h/inbound'],
    ['a ".." path segment cannot climb', 'http://h/calls/<$remote_party>/x', { remoteParty: '..' }, 'http://h/calls/%252E%252E/x'],
    ['dots inside a query value stay', 'http://h/?n=<$remote_party>', { remoteParty: '..' }, 'http://h/?n=..'],
    ['a lone < is text', 'http://h/?a=<b', {}, 'http://h/?a=<b'],
  ];
  it.each(cases)('%s', (_name, template, call, expected) => {
    expect(expand(template, call)).toBe(expected);
  });

  it('counts whole seconds since answer, up to the event for live calls and to the end for ended ones', () => {
    const connectedAt = '2022-02-13T16:43:52.500Z';
    expect(expand('http://h/?d=<$call_duration_seconds>', { connectedAt }, 'hold')).toBe('http://h/?d=7');
    expect(expand('http://h/?d=<$call_duration_seconds>', { connectedAt, disconnectedAt: '2022-02-13T16:43:55.400Z' }, 'disconnected')).toBe('http://h/?d=2');
  });

  it('formats times in local time', () => {
    expect(expand('http://h/?t=<$call_connected_time>', { connectedAt: '2022-07-01T23:30:05.000Z' })).toBe('http://h/?t=2022-07-02T00-30-05');
  });

  it('lists where each placeholder lands', () => {
    const compiled = compileTemplate('https://h/p/<$action>?q=<$call_guid>#<base64($remote_party)>');
    expect(compiled.placeholders.map((p) => [p.name, p.component, p.base64])).toEqual([
      ['action', 'path', false],
      ['call_guid', 'query', false],
      ['remote_party', 'fragment', true],
    ]);
  });
});

describe('base64', () => {
  it.each(['', 'f', 'fo', 'foo', 'foob', '"Michael D785" (420)', 'Zoë 📞'])('%j matches Buffer', (value) => {
    expect(base64Utf8(value)).toBe(Buffer.from(value, 'utf8').toString('base64'));
  });
});

describe('error excerpts never show a password', () => {
  it('masks the userinfo password and keeps the caret on the same character', () => {
    let error: unknown;
    try {
      compileTemplate('http://bob:hunter2@crm.example.com/in?x=<$nope>');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TemplateError);
    const { message, excerpt } = error as TemplateError;
    expect(message).not.toContain('hunter2');
    const [line, caret] = excerpt.split('\n');
    expect(line).toContain('http://bob:***@crm.example.com');
    expect(line!.slice(caret!.indexOf('^'))).toMatch(/^<\$nope>/);
    expect(() => compileTemplate('http://bob:hunter2@crm.example.com/in')).toThrow(/credentials in the URL/);
    try {
      compileTemplate('http://bob:hunter2@crm.example.com/in');
    } catch (e) {
      expect((e as TemplateError).message).not.toContain('hunter2');
    }
  });
});

describe('placeholder values are computed at their first use', () => {
  it('computes only what the template uses, each value once, and gives every value on request', () => {
    const asked: string[] = [];
    const context = new ExpansionContext((index) => {
      asked.push(PLACEHOLDERS[index]!);
      return `v${index}`;
    });
    const compiled = compileTemplate('http://h/?g=<$call_guid>&p=<$remote_party>&again=<$call_guid>');
    expect(compiled.expand(context)).toBe(
      `http://h/?g=v${PLACEHOLDERS.indexOf('call_guid')}&p=v${PLACEHOLDERS.indexOf('remote_party')}&again=v${PLACEHOLDERS.indexOf('call_guid')}`,
    );
    expect(compiled.expand(context)).toContain('&p=');
    expect(asked).toEqual(['call_guid', 'remote_party']);
    expect(context.raw).toEqual(PLACEHOLDERS.map((_, index) => `v${index}`));
    expect(asked).toHaveLength(PLACEHOLDERS.length);
  });
});

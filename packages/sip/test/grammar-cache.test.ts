import { describe, expect, it } from 'vitest';
import { Grammar, NameAddrHeader } from 'sip.js';
import { installGrammarCache } from '../src/message/grammar-cache.js';

const uncached = Grammar.parse.bind(Grammar);
installGrammarCache();

const samples: [string, string][] = [
  ['Request_Response', 'INVITE sip:303@127.0.0.1:5060 SIP/2.0'],
  ['Request_Response', 'BYE sip:303@127.0.0.1:5060;transport=udp;lr SIP/2.0'],
  ['Request_Response', 'SIP/2.0 200 OK'],
  ['Via', 'SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1234-1-0'],
  ['Via', 'SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1234-2-0'],
  ['Via', 'SIP/2.0/UDP 127.0.0.1:5061;rport;branch=z9hG4bKabc;received=10.0.0.1'],
  ['Via', 'SIP/2.0/TCP [::1]:5061;branch=z9hG4bK.x, SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK.y'],
  ['Via', 'SIP/2.0/UDP 127.0.0.1:5061;branch=bad"branch'],
  ['From', 'sipp <sip:sipp@127.0.0.1:5061>;tag=1234SIPpTag001'],
  ['From', 'sipp <sip:sipp@127.0.0.1:5061>;tag=1234SIPpTag002'],
  ['From', '"Alice A" <sip:alice@example.com;user=phone>;tag=a1;x-extra=1'],
  ['From', '<sip:alice@example.com;lr>;tag=t'],
  ['From', 'sip:alice@example.com;tag=no-angle'],
  ['To', 'sut <sip:303@127.0.0.1:5060>'],
  ['To', 'sut <sip:303@127.0.0.1:5060>;tag=abc'],
  ['To', 'sut <sip:303@127.0.0.1:5060>;tag=abc;tag=def'],
  ['Contact', '<sip:sipp@127.0.0.1:5061;transport=UDP>, <sip:b@h>;expires=30;q=0.5'],
  ['CSeq', '1 INVITE'],
  ['Content_Length', '123'],
  ['Name_Addr_Header', '"Bob" <sip:bob@h;lr>;tag=x'],
  ['Name_Addr_Header', '"Bob" <sip:bob@h;lr>;tag=y;x-after=1'],
  ['Name_Addr_Header', '"Bob" <sip:bob@h;lr>;x-before=1;tag=z'],
  ['Call_ID', '1-2345@127.0.0.1'],
  ['Call_ID', 'bad call id'],
  ['Call_ID', "a.b!c%d*e_f+g`h'i~j-k@l.m!n%o*p_q+r`s'tu~v-w"],
  ['Call_ID', 'no-at-sign'],
  ['Call_ID', 'two@at@signs'],
  ['Call_ID', '@leading'],
  ['Call_ID', 'trailing@'],
  ['Call_ID', 'brackets[]{}<>"/?:\\()@h'],
  ['Call_ID', ''],
  ['From', 'not a header <<'],
];

describe('memoised sip.js grammar', () => {
  it('gives what the grammar gives, for new and repeated values', () => {
    for (let round = 0; round < 3; round++)
      for (const [rule, value] of samples) {
        const got = Grammar.parse(value, rule) as unknown;
        const want = uncached(value, rule) as unknown;
        expect(got, `${rule}: ${value}`).toStrictEqual(want);
        if (got instanceof NameAddrHeader) expect(got.toString()).toBe((want as NameAddrHeader).toString());
      }
  });

  it('hands every caller its own copy', () => {
    const first = Grammar.parse('sipp <sip:sipp@h>;tag=one', 'From') as NameAddrHeader;
    first.setParam('tag', 'changed');
    first.uri.setParam('lr', null);
    const second = Grammar.parse('sipp <sip:sipp@h>;tag=one', 'From') as NameAddrHeader;
    expect(second.getParam('tag')).toBe('one');
    expect(second.uri.hasParam('lr')).toBe(false);
  });
});

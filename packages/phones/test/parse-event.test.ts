import { describe, expect, it } from 'vitest';
import { parsePhoneEvent, partyOf, splitEventPath } from '../src/index.js';

describe("reading the phones' event URLs", () => {
  it('reads query parameters, keeping + (phones do not escape it)', () => {
    expect(parsePhoneEvent('incoming?remote=sip:+4930123@example.com&display=Michael%20D785&callid=12&v=1')).toEqual({
      kind: 'incoming',
      phoneCallId: '12',
      remoteParty: '+4930123',
      remoteName: 'Michael D785',
    });
  });

  it("reads Grandstream's path-style parameters (no '?')", () => {
    expect(parsePhoneEvent('connected/remote=420&display=&callid=$call-id&local=987')).toEqual({
      kind: 'connected',
      phoneCallId: null,
      remoteParty: '420',
      remoteName: null,
    });
  });

  it('treats a variable the phone did not expand as absent', () => {
    expect(parsePhoneEvent('hold?remote=$remote&callid=$call_id')).toMatchObject({ remoteParty: null, phoneCallId: null });
  });

  it('refuses unknown events and malformed escapes with a message instead of throwing', () => {
    expect(parsePhoneEvent('exploded?x=1')).toMatch(/^unknown phone event "exploded"/);
    expect(parsePhoneEvent('incoming?remote=%E0%A4%A')).toMatch(/malformed %-escape/);
  });

  it('splits /phone/<secret>/… and nothing else', () => {
    expect(splitEventPath('/phone/abcdefghij/incoming?x=1')).toEqual({ secret: 'abcdefghij', rest: 'incoming?x=1' });
    expect(splitEventPath('/other/abcdefghij/incoming')).toBeNull();
    expect(splitEventPath('/phone/short/incoming')).toBeNull();
  });

  it('takes the user part of SIP URIs and name-addrs', () => {
    expect(partyOf('"Anna" <sip:420@pbx;transport=udp>')).toBe('420');
    expect(partyOf('tel:+4930123;phone-context=x')).toBe('+4930123');
    expect(partyOf('420')).toBe('420');
    expect(partyOf('')).toBeNull();
  });
});

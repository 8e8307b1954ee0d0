import { describe, expect, it } from 'vitest';
import { stampReceived } from '../src/message/via-received.js';

const request = (via: string) => `OPTIONS sip:303@10.0.0.5 SIP/2.0\r\n${via}\r\nCall-ID: a\r\nContent-Length: 0\r\n\r\n`;
const source = { address: '203.0.113.9', port: 40123 };

describe('received and rport on the top Via of a request (RFC 3261 §18.2.1, RFC 3581 §4)', () => {
  it('adds received when the sent-by host is not the source, and fills a valueless rport', () => {
    expect(stampReceived(request('Via: SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1;rport'), source)).toBe(
      request('Via: SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1;rport=40123;received=203.0.113.9'),
    );
  });

  it('touches only the first Via value, also in compact form', () => {
    expect(stampReceived(request('v: SIP/2.0/TCP host.example;rport;branch=z9hG4bK2, SIP/2.0/UDP 10.1.1.1;rport'), source)).toBe(
      request('v: SIP/2.0/TCP host.example;rport=40123;branch=z9hG4bK2;received=203.0.113.9, SIP/2.0/UDP 10.1.1.1;rport'),
    );
  });

  it('leaves a Via alone that already names the source and asks for no rport', () => {
    const text = request('Via: SIP/2.0/UDP 203.0.113.9:40123;branch=z9hG4bK3');
    expect(stampReceived(text, source)).toBe(text);
    expect(stampReceived('garbage', source)).toBe('garbage');
  });
});

import { InboundSchema, MaskedInboundSchema } from '@callhook/core';
import { describe, expect, it } from 'vitest';
import { exampleUrls, generateToken, urlHost } from '../src/pages/inbound/example-urls.js';

describe('inbound example URLs', () => {
  it('gives each enabled action one URL per listen address, IPv6 in brackets', () => {
    const inbound = InboundSchema.parse({ listen: ['127.0.0.1', '::1'], actions: { make_call: true } });
    expect(exampleUrls(inbound)).toEqual([
      { action: 'make_call', address: '127.0.0.1', family: 'IPv4', url: 'http://127.0.0.1:61234/?action=make_call&target=123' },
      { action: 'make_call', address: '::1', family: 'IPv6', url: 'http://[::1]:61234/?action=make_call&target=123' },
    ]);
  });

  it('writes token=<your token> unless a token is to be shown, and follows the port', () => {
    const inbound = MaskedInboundSchema.parse({ port: 8080, listen: ['192.168.0.16'], actions: { hangup: true }, token: { set: true } });
    expect(exampleUrls(inbound).map((e) => e.url)).toEqual(['http://192.168.0.16:8080/?action=hangup&token=<your token>']);
    expect(exampleUrls(inbound, 'a+b/c=d-0123456789').map((e) => e.url)).toEqual(['http://192.168.0.16:8080/?action=hangup&token=a%2Bb%2Fc%3Dd-0123456789']);
    expect(exampleUrls({ ...inbound, token: null }, 'a+b/c=d-0123456789').map((e) => e.url)).toEqual(['http://192.168.0.16:8080/?action=hangup']);
  });

  it.each([
    ['0.0.0.0', '127.0.0.1'],
    ['::', '[::1]'],
    ['2003:a:1514:bc00:2c19:6474:2da5:1dc5', '[2003:a:1514:bc00:2c19:6474:2da5:1dc5]'],
  ])('writes %s as the host %s', (address, host) => {
    expect(urlHost(address)).toBe(host);
  });

  it('generates URL-safe tokens the schema accepts', () => {
    const token = generateToken((bytes) => bytes.fill(0xfb));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(InboundSchema.parse({ token }).token).toBe(token);
  });
});

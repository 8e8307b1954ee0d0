import { isIPv6 } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isIPv6Literal, udpTypeOf } from '../src/transport/ip-family.js';

const LITERALS = ['127.0.0.1', '0.0.0.0', '192.168.1.20', '255.255.255.255', '::', '::1', 'fe80::1%eth0', '2001:db8::5060', '::ffff:192.0.2.1', '2001:0db8:0000:0000:0000:ff00:0042:8329'];

describe('the family of an IP address literal', () => {
  it('is what net.isIPv6 says for every literal form the line binds to or resolves', () => {
    for (const address of LITERALS) expect(isIPv6Literal(address), address).toBe(isIPv6(address));
  });

  it('picks the dgram socket type', () => {
    expect(udpTypeOf('127.0.0.1')).toBe('udp4');
    expect(udpTypeOf('::1')).toBe('udp6');
    expect(udpTypeOf('::ffff:192.0.2.1')).toBe('udp6');
  });
});

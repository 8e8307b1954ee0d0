import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { chooseLineAddress, firstHop } from '../src/line/line-address.js';
import { advertisedAddress } from '../src/transport/advertised-address.js';
import { localAddressToward } from '../src/transport/local-address.js';

describe('advertisedAddress', () => {
  it('keeps a concrete bind address', () => {
    expect(advertisedAddress('127.0.0.1')).toBe('127.0.0.1');
    expect(advertisedAddress('::1')).toBe('::1');
  });

  it('turns a wildcard bind into a concrete address of the same family', () => {
    expect(isIP(advertisedAddress('0.0.0.0'))).toBe(4);
    expect(advertisedAddress('0.0.0.0')).not.toBe('0.0.0.0');
    expect(isIP(advertisedAddress('::'))).toBe(6);
  });
});

describe('the local address toward the first hop', () => {
  it('is the registrar, else the AOR domain', () => {
    expect(firstHop({ aor: 'sip:303@pbx.example.com', registrar: '10.1.2.3:5070' })).toEqual({ host: '10.1.2.3', port: 5070 });
    expect(firstHop({ aor: 'sip:303@[::1]:5062' })).toEqual({ host: '::1', port: 5062 });
  });

  it('is the loopback address for a loopback registrar, of either family', async () => {
    expect(await localAddressToward({ host: '127.0.0.1', port: 5060 })).toBe('127.0.0.1');
    expect(await localAddressToward({ host: '::1', port: undefined })).toBe('::1');
  });

  it('is chosen by default, overridden by bindAddress, and advertised for a wildcard bind', async () => {
    expect(await chooseLineAddress({ aor: 'sip:303@127.0.0.1' })).toEqual({ bind: '127.0.0.1', advertised: '127.0.0.1' });
    expect(await chooseLineAddress({ aor: 'sip:303@127.0.0.1', bindAddress: '127.0.0.2' })).toEqual({ bind: '127.0.0.2', advertised: '127.0.0.2' });
    expect(await chooseLineAddress({ aor: 'sip:303@127.0.0.1', bindAddress: '0.0.0.0' })).toEqual({ bind: '0.0.0.0', advertised: '127.0.0.1' });
  });

  it('refuses a registrar that does not resolve with the host and the override named', async () => {
    await expect(chooseLineAddress({ aor: 'sip:303@pbx.invalid', registrar: 'pbx.invalid' })).rejects.toMatchObject({
      code: 'no_route',
      message: expect.stringMatching(/^cannot find the local address that routes to pbx\.invalid: .*set line\.bindAddress/),
    });
  });
});

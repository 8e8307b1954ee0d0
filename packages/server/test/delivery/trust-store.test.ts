import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { trustedCertificates } from '../../src/index.js';

const PRIVATE_CA = '-----BEGIN CERTIFICATE-----\nMIIB (a private CA)\n-----END CERTIFICATE-----\n';

describe("trustedCertificates (the fetcher's custom CA option)", () => {
  it("keeps Node's default trust store when no CA is given", () => {
    expect(trustedCertificates(undefined)).toBeUndefined();
    expect(trustedCertificates([])).toBeUndefined();
  });

  it('adds a custom CA to the public roots instead of replacing them', () => {
    const store = trustedCertificates(PRIVATE_CA)!;
    expect(store).toContain(PRIVATE_CA);
    expect(tls.rootCertificates.length).toBeGreaterThan(50);
    for (const root of tls.rootCertificates) expect(store).toContain(root);
  });

  it('takes several CAs', () => {
    const other = Buffer.from('second');
    const store = trustedCertificates([PRIVATE_CA, other])!;
    expect(store.slice(-2)).toEqual([PRIVATE_CA, other]);
  });
});

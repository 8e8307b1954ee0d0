import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTlsMaterial, secureContextFor } from '../src/transport/tls-trust.js';
import { createTestCa, type TestCa } from './support/test-ca.js';

let ca: TestCa;
beforeAll(() => {
  ca = createTestCa();
});
afterAll(() => ca?.remove());

describe('TLS trust material (system store + line.tls.caFile + client certificate)', () => {
  it('adds the CA file to the system store and builds one TLS context per distinct material', () => {
    const plain = loadTlsMaterial({});
    const withCa = loadTlsMaterial({ caFile: ca.caFile });
    expect(withCa.ca).toHaveLength(plain.ca.length + 1);
    expect(withCa.identity).not.toBe(plain.identity);
    expect(loadTlsMaterial({ caFile: ca.caFile }).identity).toBe(withCa.identity);
    expect(secureContextFor(loadTlsMaterial({ caFile: ca.caFile }))).toBe(secureContextFor(withCa));
  });

  it('names the field and the fix for a file that is no PEM certificate or key', () => {
    const notPem = join(ca.dir, 'not-pem.txt');
    writeFileSync(notPem, 'hello');
    expect(() => loadTlsMaterial({ caFile: notPem })).toThrow(
      /^line\.tls\.caFile: .*not-pem\.txt holds no PEM certificate; give the path of the PBX's CA certificate in PEM$/,
    );
    const client = ca.issue('client', 'DNS:client.test', { client: true });
    expect(() => loadTlsMaterial({ certFile: client.cert, keyFile: client.cert })).toThrow(/^line\.tls\.keyFile: .* holds no PEM private key/);
    expect(loadTlsMaterial({ certFile: client.cert, keyFile: client.key })).toMatchObject({
      cert: expect.stringContaining('BEGIN CERTIFICATE'),
      key: expect.stringContaining('PRIVATE KEY'),
    });
  });
});

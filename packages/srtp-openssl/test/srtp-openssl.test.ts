import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSrtpOpenssl, srtpOpensslUnavailable, type SrtpOpenssl } from '../src/index.js';

/**
 * The native module against an independent reference on Node's own crypto API (AES-128-CTR from the
 * RFC 3711 §4.1.1 IV, HMAC-SHA1 over packet || ROC, §4.2.1), and its refusals. The module must be built
 * for these tests (`pnpm build` does it where a C compiler and Node's headers are present).
 */
function module(): SrtpOpenssl {
  const loaded = loadSrtpOpenssl();
  if (!loaded) throw new Error(`@callhook/srtp-openssl did not load: ${srtpOpensslUnavailable()}`);
  return loaded;
}

interface Keys {
  encryptionKey: Buffer;
  salt: Buffer;
  authKey: Buffer;
}

/** The SRTP packet of `plain` (header `headerBytes` long) by RFC 3711's formulas on node:crypto. */
function reference(keys: Keys, plain: Buffer, headerBytes: number, ssrc: number, index: number, roc: number, tagBytes: number): Buffer {
  const iv = Buffer.alloc(16);
  keys.salt.copy(iv);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  const indexBytes = Buffer.alloc(8);
  indexBytes.writeBigUInt64BE(BigInt(index));
  for (let byte = 0; byte < 6; byte++) iv[8 + byte]! ^= indexBytes[2 + byte]!;
  const aes = createCipheriv('aes-128-ctr', keys.encryptionKey, iv);
  const body = Buffer.concat([plain.subarray(0, headerBytes), aes.update(plain.subarray(headerBytes)), aes.final()]);
  const rocBytes = Buffer.alloc(4);
  rocBytes.writeUInt32BE(roc);
  const tag = createHmac('sha1', keys.authKey).update(body).update(rocBytes).digest().subarray(0, tagBytes);
  return Buffer.concat([body, tag]);
}

const packetArbitrary = fc.record({
  keys: fc.record({
    encryptionKey: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes)),
    salt: fc.uint8Array({ minLength: 14, maxLength: 14 }).map((bytes) => Buffer.from(bytes)),
    authKey: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((bytes) => Buffer.from(bytes)),
  }),
  packet: fc.uint8Array({ minLength: 12, maxLength: 400 }).map((bytes) => Buffer.from(bytes)),
  headerCut: fc.nat(),
  ssrc: fc.nat({ max: 0xffffffff }),
  index: fc.oneof(fc.nat({ max: 0xffff }), fc.integer({ min: 0, max: 2 ** 48 - 1 })),
  tagBytes: fc.constantFrom(4, 10),
});

describe('@callhook/srtp-openssl', () => {
  it('seals as RFC 3711 says (AES-128-CTR from the §4.1.1 IV, HMAC-SHA1 over packet || ROC) for any keys, lengths, SSRC and index', () => {
    const openssl = module();
    fc.assert(
      fc.property(packetArbitrary, ({ keys, packet, headerCut, ssrc, index, tagBytes }) => {
        const headerBytes = 12 + (headerCut % (packet.length - 11));
        const roc = Math.floor(index / 0x10000);
        const cipher = openssl.createCipher(keys.encryptionKey, keys.salt, keys.authKey);
        const buffer = Buffer.alloc(packet.length + tagBytes);
        packet.copy(buffer);
        openssl.sealRtp(cipher, buffer, headerBytes, packet.length, ssrc, index, roc, tagBytes);
        expect(buffer.toString('hex')).toBe(reference(keys, packet, headerBytes, ssrc, index, roc, tagBytes).toString('hex'));
        expect(openssl.openRtp(cipher, buffer, headerBytes, packet.length, ssrc, index, roc, tagBytes)).toBe(true);
        expect(buffer.subarray(0, packet.length).toString('hex')).toBe(packet.toString('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a packet with any one bit flipped, or under another ROC, and leaves it as it came', () => {
    const openssl = module();
    const cipher = openssl.createCipher(randomBytes(16), randomBytes(14), randomBytes(20));
    const plain = randomBytes(172);
    const sealed = Buffer.concat([plain, Buffer.alloc(10)]);
    openssl.sealRtp(cipher, sealed, 12, 172, 0x11223344, 7, 0, 10);
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      const forged = Buffer.from(sealed);
      forged[bit >> 3]! ^= 1 << (bit & 7);
      const copy = Buffer.from(forged);
      expect(openssl.openRtp(cipher, forged, 12, 172, 0x11223344, 7, 0, 10), `bit ${bit}`).toBe(false);
      expect(forged.equals(copy)).toBe(true);
    }
    const other = Buffer.from(sealed);
    expect(openssl.openRtp(cipher, other, 12, 172, 0x11223344, 7 + 0x10000, 1, 10), 'ROC 1').toBe(false);
    expect(openssl.openRtp(cipher, other, 12, 172, 0x11223344, 7, 0, 10)).toBe(true);
  });

  it('names the argument it refuses', () => {
    const openssl = module();
    expect(() => openssl.createCipher(randomBytes(15), randomBytes(14), randomBytes(20))).toThrow(/encryptionKey must be a Buffer of 16 bytes/);
    expect(() => openssl.createCipher(randomBytes(16), randomBytes(12), randomBytes(20))).toThrow(/salt must be a Buffer of 14 bytes/);
    expect(() => openssl.createCipher(randomBytes(16), randomBytes(14), 'key' as unknown as Buffer)).toThrow(/authKey must be a Buffer of 20 bytes/);
    const cipher = openssl.createCipher(randomBytes(16), randomBytes(14), randomBytes(20));
    const buffer = Buffer.alloc(182);
    expect(() => openssl.sealRtp(cipher, buffer, 12, 180, 1, 0, 0, 10)).toThrow(/buffer must hold length \+ tagBytes bytes/);
    expect(() => openssl.sealRtp(cipher, buffer, 20, 12, 1, 0, 0, 10)).toThrow(/headerBytes <= length/);
    expect(() => openssl.sealRtp(cipher, buffer, 12, 172, 1, 2 ** 48, 0, 10)).toThrow(/index must be an integer from 0 to 2\^48 - 1/);
    expect(() => openssl.sealRtp(cipher, buffer, 12, 172, 1, 0, 0, 11)).toThrow(/tagBytes must be an integer from 1 to 10/);
    expect(() => openssl.openRtp({} as typeof cipher, buffer, 12, 172, 1, 0, 0, 10)).toThrow(/cipher must come from createCipher/);
    expect(() => openssl.openRtp(cipher, buffer, 12, 172, -1, 0, 0, 10)).toThrow(/ssrc must be a 32-bit unsigned integer/);
  });

  /** [loaded, why not] of `loadSrtpOpenssl()` in a fresh Node process, from the package copy at `root`. */
  function loadIn(root: string, env: NodeJS.ProcessEnv = {}): [boolean, string | undefined] {
    const entry = join(root, 'dist', 'index.js');
    const script = `import(${JSON.stringify(entry)}).then((m) => console.log(JSON.stringify([m.loadSrtpOpenssl() !== undefined, m.srtpOpensslUnavailable() ?? null])))`;
    const child = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toBe('');
    const [loaded, why] = JSON.parse(child.stdout) as [boolean, string | null];
    return [loaded, why ?? undefined];
  }

  const packageRoot = fileURLToPath(new URL('..', import.meta.url));

  it('loads in a plain Node process, and not with CALLHOOK_SRTP_CIPHER=javascript, saying so', () => {
    expect(loadIn(packageRoot)).toEqual([true, undefined]);
    expect(loadIn(packageRoot, { CALLHOOK_SRTP_CIPHER: 'javascript' })).toEqual([false, 'turned off by CALLHOOK_SRTP_CIPHER=javascript']);
  });

  it('refuses a module built against another major OpenSSL, and says how to mend a missing one', () => {
    const copy = mkdtempSync(join(tmpdir(), 'srtp-openssl-'));
    try {
      cpSync(join(packageRoot, 'dist'), join(copy, 'dist'), { recursive: true });
      cpSync(join(packageRoot, 'build'), join(copy, 'build'), { recursive: true });
      writeFileSync(join(copy, 'build', 'callhook_srtp.json'), JSON.stringify({ node: 'v16.20.2', openssl: '1.1.1v' }));
      const [loaded, why] = loadIn(copy);
      expect(loaded).toBe(false);
      expect(why).toBe(`it was built against OpenSSL 1.1.1v of Node v16.20.2, and this Node has OpenSSL ${process.versions.openssl}: build it again`);
      rmSync(join(copy, 'build'), { recursive: true });
      expect(loadIn(copy)).toEqual([false, "@callhook/srtp-openssl was not built (it needs a C compiler and Node's headers: see its README)"]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

import type { Random } from '@callhook/core';
import { SipError } from '../errors.js';

/** The SDES crypto suites of RFC 4568 §6.2 this module reads (AES-128 counter mode, HMAC-SHA1 80- or 32-bit tag). */
export const SRTP_SUITES = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const;
export type SrtpSuite = (typeof SRTP_SUITES)[number];

/** Master key and salt lengths of the AES_CM_128 suites (RFC 3711 §8.2, RFC 4568 §6.2.1). */
export const MASTER_KEY_BYTES = 16;
export const MASTER_SALT_BYTES = 14;

/** One `a=crypto` attribute (RFC 4568 §9.1) with a single inline key. */
export interface CryptoAttribute {
  /** 1–9 digits; the answer echoes the tag of the offer line it accepts (§5.1.2). */
  tag: number;
  suite: SrtpSuite;
  masterKey: Buffer;
  masterSalt: Buffer;
  /** `|2^31` style lifetime as written, if any. */
  lifetime?: string;
  /** `|MKI:length` as written, if any (RFC 4568 §6.1); this module does not use MKIs. */
  mki?: string;
}

const SUITES = new Set<string>(SRTP_SUITES);
const LINE = /^(?:a=)?crypto:(\d{1,9})[ \t]+([A-Za-z0-9_]+)[ \t]+(\S+)(?:[ \t]+(.*))?$/;

/**
 * Reads an `a=crypto` line (with or without `a=`). Throws a SipError (`sdp_unacceptable`) naming the part
 * that is wrong: a suite other than the two AES_CM_128 ones, a key method other than `inline:`, several keys,
 * a key||salt that is not 30 bytes of base64, or session parameters (none are supported, §6.3).
 */
export function parseCryptoAttribute(line: string): CryptoAttribute {
  const match = LINE.exec(line.trim());
  if (!match) throw bad(`not an a=crypto line: "${line.slice(0, 80)}"`);
  const [, tagText, suite, keyParams, sessionParams] = match;
  if (!SUITES.has(suite!)) throw bad(`crypto suite ${suite} is not supported (only AES_CM_128_HMAC_SHA1_80 and _32)`);
  if (sessionParams?.trim()) throw bad(`crypto session parameters are not supported: "${sessionParams.trim().slice(0, 40)}"`);
  if (keyParams!.includes(';')) throw bad('several keys in one crypto attribute are not supported');
  if (!keyParams!.startsWith('inline:')) throw bad(`crypto key method must be inline: (RFC 4568 §6.1), not "${keyParams!.slice(0, 20)}"`);
  const [keySalt, ...rest] = keyParams!.slice('inline:'.length).split('|');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keySalt!)) throw bad('crypto key is not base64');
  const bytes = Buffer.from(keySalt!, 'base64');
  if (bytes.length !== MASTER_KEY_BYTES + MASTER_SALT_BYTES) throw bad(`crypto key||salt is ${bytes.length} bytes, not 30`);
  const attribute: CryptoAttribute = {
    tag: Number(tagText),
    suite: suite as SrtpSuite,
    masterKey: bytes.subarray(0, MASTER_KEY_BYTES),
    masterSalt: bytes.subarray(MASTER_KEY_BYTES),
  };
  for (const part of rest) {
    if (/^MKI:/i.test(part) || part.includes(':')) attribute.mki = part;
    else if (/^(2\^)?\d+$/.test(part)) attribute.lifetime = part;
    else throw bad(`crypto key parameter "${part.slice(0, 20)}" is neither a lifetime nor an MKI`);
  }
  return attribute;
}

/** Writes the attribute value (without `a=`): `crypto:1 AES_CM_128_HMAC_SHA1_80 inline:<base64>` (RFC 4568 §9.1). */
export function formatCryptoAttribute(attribute: CryptoAttribute): string {
  const keySalt = Buffer.concat([attribute.masterKey, attribute.masterSalt]).toString('base64');
  const extras = [attribute.lifetime, attribute.mki].filter((part): part is string => part !== undefined);
  return `crypto:${attribute.tag} ${attribute.suite} inline:${[keySalt, ...extras].join('|')}`;
}

/** A fresh attribute with a master key and salt drawn from `random` (RFC 4568 §6.1: keys MUST be random). */
export function newCryptoAttribute(tag: number, suite: SrtpSuite, random: Random): CryptoAttribute {
  const bytes = new Uint8Array(MASTER_KEY_BYTES + MASTER_SALT_BYTES);
  random.fill(bytes);
  const buffer = Buffer.from(bytes);
  return { tag, suite, masterKey: buffer.subarray(0, MASTER_KEY_BYTES), masterSalt: buffer.subarray(MASTER_KEY_BYTES) };
}

function bad(message: string): SipError {
  return new SipError('sdp_unacceptable', message);
}

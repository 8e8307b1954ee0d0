// Sealing outbox entries at rest (AES-256-GCM) and the origin an entry is filed under. Plain
// JavaScript, shared by the journal worker's store and its migrations, whatever the SQL dialect.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Prefix of an encrypted outbox entry: AES-256-GCM, then base64 of iv (12) | tag (16) | ciphertext. */
export const SEALED = 'v1:';

/**
 * Mirrors core's originOf (this plain-JavaScript worker cannot import the TypeScript sources): the
 * receiver origin a delivery's lane group is keyed by.
 * @param {{ url: string, mode: string }} delivery
 */
export function originOf(delivery) {
  if (delivery.mode !== 'http') return `${delivery.mode}:`;
  try {
    const origin = new URL(delivery.url).origin;
    return origin === 'null' ? delivery.url : origin;
  } catch {
    return delivery.url;
  }
}

/**
 * The key that seals outbox entries (their headers and signing secrets) at rest: 32 bytes in a 0600
 * file beside the database, made on first use; in memory for `:memory:`.
 * @param {string | null} keyFile
 */
export function outboxKey(keyFile) {
  if (keyFile === null) return randomBytes(32);
  if (!existsSync(keyFile)) {
    try {
      writeFileSync(keyFile, randomBytes(32), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(keyFile, 0o600);
  const key = readFileSync(keyFile);
  if (key.length !== 32)
    throw new Error(
      `outbox key ${keyFile} is ${key.length} bytes, not 32: restore it, or move it aside to start a new one (the entries it sealed are then kept but not sent)`,
    );
  return key;
}

/** @param {Buffer} key @param {string} text */
export function seal(key, text) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return SEALED + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
}

/** @param {Buffer} key @param {string} stored @returns {string} the JSON text; throws with a reason */
export function unseal(key, stored) {
  if (!stored.startsWith(SEALED)) return stored; // written before entries were sealed, or one that holds no secret (`holdsSecret`)
  const bytes = Buffer.from(stored.slice(SEALED.length), 'base64');
  if (bytes.length < 28) throw new Error('sealed entry too short');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('cannot unseal the entry (a different outbox key, or damaged bytes)');
  }
}

import { randomFillSync } from 'node:crypto';
import type { Random } from '@callhook/core';

const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

/**
 * The project's one real Random: cryptographically strong bytes (the spec asks for true random data
 * in call GUIDs; SIP tags, branch ids and RTP SSRCs use it too), served from a pool refilled by the
 * CSPRNG — one system call per 4 KiB instead of one per GUID. Bytes handed out are wiped from the
 * pool, and a request larger than the pool goes straight to the CSPRNG.
 */
export const cryptoRandom: Random = {
  fill: (bytes) => {
    if (bytes.length > POOL_SIZE) {
      randomFillSync(bytes);
      return;
    }
    if (offset + bytes.length > POOL_SIZE) {
      randomFillSync(pool);
      offset = 0;
    }
    bytes.set(pool.subarray(offset, offset + bytes.length));
    pool.fill(0, offset, offset + bytes.length);
    offset += bytes.length;
  },
};

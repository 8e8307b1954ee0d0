import { webcrypto } from 'node:crypto';
import type { Random } from '@callhook/core';

/** Cryptographically strong bytes for call GUIDs (the spec asks for true random data). */
export const cryptoRandom: Random = {
  fill: (bytes) => {
    webcrypto.getRandomValues(bytes);
  },
};

import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Random } from '@callhook/core';
import { cryptoRandom } from '@callhook/node';

/**
 * Replaces a file so that readers see either the old or the new content, also after a crash:
 * write a temp file beside it, fsync, rename over the original, fsync the directory. The temp file's
 * name carries the process id and 8 bytes from `random`, so concurrent writers never share one.
 */
export function writeFileAtomic(path: string, content: string, mode = 0o600, random: Random = cryptoRandom): void {
  const tag = new Uint8Array(8);
  random.fill(tag);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Buffer.from(tag).toString('hex')}.tmp`);
  const fd = openSync(temp, 'w', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

import { chmodSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$XDG_DATA_HOME/callhook`, or `~/.local/share/callhook` when XDG_DATA_HOME is unset. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(base, 'callhook');
}

/**
 * The journal file for a data directory (created if missing, and made 0700 either way: it holds the
 * outbox and the key sealing it); `:memory:` stays in memory. Throws the fs error when the directory
 * cannot be made or is not ours to chmod.
 */
export function journalFile(dataDir: string): string {
  if (dataDir === ':memory:') return dataDir;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  return join(dataDir, 'callhook.db');
}

import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Debian's chromium through playwright-core, with `extraArgs` after the usual ones. Missing chromium
 * is a failure, never a skip.
 */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`chromium not found at ${CHROMIUM}: install it (apt-get install chromium, or scripts/install-peers.sh) or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...extraArgs] });
}

/** packages/ui/artifacts (git-ignored): one screenshot per page on every run. */
export function artifactPath(name: string): string {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../../../artifacts');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

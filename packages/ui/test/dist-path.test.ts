// @vitest-environment node
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleDir } from './e2e/support/console-server.js';

describe('@callhook/ui/dist-path', () => {
  it('exports the directory of the built console, with its index.html', async () => {
    // The package's own export, as a server imports it (the built module, so the path is real).
    const exported = (await import('@callhook/ui/dist-path' as string)) as { consoleDir: string };
    expect(exported.consoleDir).toBe(consoleDir);
    expect(existsSync(join(exported.consoleDir, 'index.html'))).toBe(true);
  });
});

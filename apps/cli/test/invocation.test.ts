import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliInvocation } from '../src/invocation.js';
import { MAIN, runCli } from './support/cli.js';

const ROOT = resolve(MAIN, '..', '..', '..', '..');
const WRAPPER = join(ROOT, 'callhook');

describe('the command the banner tells users to run', () => {
  it('is "callhook" when that name on the PATH is this build', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'callhook-bin-'));
    symlinkSync(WRAPPER, join(bin, 'callhook'));
    expect(cliInvocation({ PATH: bin }, tmpdir(), MAIN)).toBe('callhook');
  });

  it('is the checkout wrapper, relative when the user is inside the checkout, absolute elsewhere', async () => {
    expect(cliInvocation({ PATH: '' }, ROOT, MAIN)).toBe('./callhook');
    expect(cliInvocation({ PATH: '' }, join(ROOT, 'packages'), MAIN)).toBe(WRAPPER);
    // A directory of its own, so the checkout (wherever CI cloned it) is never below it.
    expect(cliInvocation({ PATH: '' }, mkdtempSync(join(tmpdir(), 'callhook-cwd-')), MAIN)).toBe(WRAPPER);
  });

  it('the wrapper runs the built CLI from any directory', async () => {
    const result = await runCli(['--version']);
    const viaWrapper = spawnSync(WRAPPER, ['--version'], { cwd: tmpdir(), encoding: 'utf8' });
    expect(viaWrapper.status).toBe(0);
    expect(viaWrapper.stdout).toBe(result.stdout);
  });
});

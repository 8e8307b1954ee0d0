import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One temp dir for the whole run (generated sipp scenarios); workers inherit it via the environment. */
export default function setup(): () => void {
  const directory = mkdtempSync(join(tmpdir(), 'callhook-sip-test-'));
  process.env.CALLHOOK_SIP_TEST_TMP = directory;
  return () => rmSync(directory, { recursive: true, force: true });
}

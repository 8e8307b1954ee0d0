import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from './sipp.js';

let directory: string | undefined;
let serial = 0;

/** The run's temp dir from the global setup (removed at the end of the run); a fresh one otherwise. */
function scenarioDirectory(): string {
  directory ??= process.env.CALLHOOK_SIP_TEST_TMP ?? mkdtempSync(join(tmpdir(), 'callhook-scenario-'));
  return directory;
}

/** Writes a sipp scenario from a fixture template: `{{NAME}}` placeholders; `AFTER_ACK` takes step fixtures. */
export function scenario(template: string, values: Record<string, string | number> = {}, steps: string[] = []): string {
  let text = readFileSync(fixture(template), 'utf8');
  text = text.replace('{{AFTER_ACK}}', steps.map((step) => readFileSync(fixture(step), 'utf8')).join('\n'));
  for (const [name, value] of Object.entries(values)) text = text.replaceAll(`{{${name}}}`, String(value));
  const file = join(scenarioDirectory(), `${serial++}-${template}`);
  writeFileSync(file, text);
  return file;
}

/**
 * The `FOLLOW_CONTACT` value of uac-overload.xml for a caller that sends a call's ACK and BYE to the Contact of
 * the line's 200 (RFC 3261 §12.1.2, as a PBX does); '' for one that sends them where it sent the INVITE.
 */
export function followContact(follow: boolean): string {
  return follow ? '<setdest host="[$contact_host]" port="[$contact_port]" protocol="udp"/>' : '';
}

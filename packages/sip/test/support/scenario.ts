import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from './sipp.js';

/** Writes a sipp scenario from a fixture template: `{{NAME}}` placeholders; `AFTER_ACK` takes step fixtures. */
export function scenario(template: string, values: Record<string, string | number> = {}, steps: string[] = []): string {
  let text = readFileSync(fixture(template), 'utf8');
  text = text.replace('{{AFTER_ACK}}', steps.map((step) => readFileSync(fixture(step), 'utf8')).join('\n'));
  for (const [name, value] of Object.entries(values)) text = text.replaceAll(`{{${name}}}`, String(value));
  const file = join(mkdtempSync(join(tmpdir(), 'callhook-scenario-')), template);
  writeFileSync(file, text);
  return file;
}

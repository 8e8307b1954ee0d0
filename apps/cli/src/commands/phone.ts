import { loadSettingsText } from '@callhook/core';
import { readFileSync } from 'node:fs';
import { CliError } from '../cli-error.js';
import { cliEdition } from '../edition.js';
import type { Output } from '../output.js';

/**
 * `callhook phone setup --config FILE [--line ID]`: prints what to enter on the desk phone of a
 * `deskphone` line (event URL settings with the line's secret, the allow-list entry, the prompt to
 * switch off), from the settings file alone: the phone needs it before callhook runs. `--line` may be
 * left out when the file has one desk-phone line. With --json: `{ line, vendor, text }`.
 */
export async function phoneSetup(options: { config: string; line?: string }, out: Output): Promise<void> {
  let text: string;
  try {
    text = readFileSync(options.config, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CliError('invalid_settings', `cannot read ${options.config}: ${missing ? 'no such file' : (error as Error).message}`);
  }
  const [{ editionLimits }, phones] = await Promise.all([import('@callhook/server'), import('@callhook/phones')]);
  const { settings } = loadSettingsText(text, editionLimits(await cliEdition()));
  const desks = settings.lines.filter((line) => line.type === 'deskphone');
  if (desks.length === 0) {
    throw new CliError(
      'no_such_line',
      `${options.config} has no line of type "deskphone"; add one to its lines, e.g. { "id": "desk-12", "type": "deskphone", "vendor": "snom", "url": "http://192.0.2.10", "account": "987@example.com", … } (packages/phones/README.md lists the fields)`,
    );
  }
  let line = desks[0]!;
  if (options.line !== undefined) {
    const named = desks.find((l) => l.id === options.line);
    if (!named)
      throw new CliError('no_such_line', `no desk-phone line "${options.line}" in ${options.config}; desk-phone lines: ${desks.map((l) => l.id).join(', ')}`);
    line = named;
  } else if (desks.length > 1) {
    throw new CliError('no_such_line', `${options.config} has ${desks.length} desk-phone lines; name one with --line (${desks.map((l) => l.id).join(', ')})`);
  }
  const deskSettings = line as unknown as Parameters<typeof phones.deskPhoneSetupText>[0];
  const setup = phones.deskPhoneSetupText(deskSettings);
  out.result({ line: line.id, vendor: deskSettings.vendor, text: setup }, setup.trimEnd());
}

import { loadSettingsText, maskSettings, settingsJsonSchema, DEFAULT_INBOUND_PORT, DEFAULT_SLOT_RETRIES, type SettingsInput } from '@callhook/core';
import { existsSync } from 'node:fs';
import { CliError } from '../cli-error.js';
import { cliEdition } from '../edition.js';
import type { Output } from '../output.js';

async function limits() {
  const { editionLimits } = await import('@callhook/server');
  return editionLimits(await cliEdition());
}

export async function configSchema(out: Output): Promise<void> {
  const schema = settingsJsonSchema(await limits());
  out.result(schema, JSON.stringify(schema, null, 2));
}

/**
 * `callhook config check FILE`: validates the file and prints a summary; with `--json` the settings
 * themselves, every secret shown as `{"set": true}` as the control API shows it (the lines' secret
 * fields as the edition's plugins declare them).
 */
export async function configCheck(file: string, out: Output): Promise<void> {
  const { SettingsFile, refuseExposedListener } = await import('@callhook/server');
  const editionLimits = await limits();
  // Read and refused as `serve --config` reads and refuses it: the same file errors, the same schema,
  // and what start-up refuses beyond the schema (a listener other machines can reach, without a token).
  const { settings } = new SettingsFile(file).load(editionLimits);
  refuseExposedListener(settings.inbound);
  const slots = settings.actionUrls.slots.filter((s) => s.active).length;
  const on = Object.entries(settings.inbound.actions)
    .filter(([, v]) => v)
    .map(([k]) => k);
  const summary = [
    `${file}: ${out.paint('green', 'ok')}`,
    `  action URLs ${settings.actionUrls.enabled ? 'on' : 'off'}, ${slots} active slot(s)`,
    `  inbound ${settings.inbound.enabled ? `on at ${settings.inbound.listen.join(', ')} port ${settings.inbound.port}` : 'off'}; actions: ${on.join(', ') || 'none'}; token ${settings.inbound.token ? 'set' : 'not set'}`,
    ...settings.lines.map((line) => `  line ${line.id}: ${line.type}`),
  ];
  out.result({ ok: true, file, settings: maskSettings(settings, editionLimits) }, summary.join('\n'));
}

/**
 * A starter file: loopback listener with make_call on, a fresh token, one inactive example slot. The
 * slot spells out its delivery defaults (method, timeout, retries with their back-off) so a user sees
 * what to change; they are the schema's defaults, written out.
 */
export function starterSettings(token: string): SettingsInput {
  return {
    actionUrls: {
      enabled: true,
      slots: [
        {
          on: 'inbound',
          url: 'http://127.0.0.1:9000/incoming?from=<$remote_party>&name=<$remote_alias>&guid=<$call_guid>',
          active: false,
          openInBrowser: false,
          method: 'GET',
          timeoutMs: 5_000,
          retries: { ...DEFAULT_SLOT_RETRIES },
        },
      ],
    },
    inbound: {
      enabled: true,
      port: DEFAULT_INBOUND_PORT,
      listen: ['127.0.0.1', '::1'],
      actions: { make_call: true },
      token,
      allowFrom: ['127.0.0.0/8', '::1/128'],
      allowOrigins: [],
      denyPrefixes: [],
    },
    line: { type: 'simulator' },
  };
}

export async function configInit(options: { out?: string; force?: boolean }, out: Output): Promise<void> {
  const server = await import('@callhook/server');
  const settings = starterSettings(server.generateToken());
  const text = `${JSON.stringify(settings, null, 2)}\n`;
  loadSettingsText(text);
  if (!options.out) return out.result(settings, text.trimEnd());
  if (existsSync(options.out) && !options.force) {
    throw new CliError('file_exists', `${options.out} exists; pass --force to replace it`);
  }
  server.writeFileAtomic(options.out, text);
  out.result({ ok: true, file: options.out }, `wrote ${options.out} (mode 0600: it holds the token)`);
}

import type { LineSecrets } from '@callhook/core';

/** The SIP line's secret field (`LinePlugin.secrets`), shared by the plugin and its lazy form. */
export const sipLineSecrets: LineSecrets = {
  fields: ['password'],
  // The password goes to the registrar (or the AOR's domain without one): a stored password is not
  // sent on for another account or registrar unless it is typed again.
  account: (line) => `${String(line.aor ?? '').toLowerCase()} via ${typeof line.registrar === 'string' ? line.registrar.toLowerCase() : 'its domain'}`,
  accountLabel: 'the address of record or registrar',
};

import type { LinePlugin } from '@callhook/core';
import { SipLine } from './line/sip-line.js';
import { SipLineSchema, type SipLineSettings } from './settings/sip-line-schema.js';
import { sipLineSecrets } from './sip-line-secrets.js';

/**
 * The SIP user agent as a line plugin (`"type": "sip"`). A running SIP line takes no field live:
 * its socket, its user agent and its registration are built from the settings at start. A changed
 * line is rebuilt (new socket, REGISTER with the new credentials) while it has no call; with calls
 * on it the change waits for a restart, and the settings answer names the fields.
 */
export const sipLinePlugin: LinePlugin<SipLineSettings & { id: string }> = {
  type: 'sip',
  settingsSchema: SipLineSchema,
  create: (settings, deps) =>
    new SipLine(settings, {
      logger: deps.logger,
      clock: deps.clock,
      ...(deps.random ? { random: deps.random } : {}),
      ...(deps.dataDir !== undefined ? { dataDir: deps.dataDir } : {}),
      ...(deps.callGuid ? { callGuid: deps.callGuid } : {}),
    }),
  secrets: sipLineSecrets,
};

/**
 * `@callhook/sip/lazy`: the SIP line plugin without the SIP stack. Its settings schema and secrets are
 * here for validation; sip.js, RTP and the codecs load (`load()`) only when a SIP line is configured,
 * so a server with other lines starts without them. The host awaits `load()` before `create`.
 */
import type { LinePlugin } from '@callhook/core';
import { SipLineSchema, type SipLineSettings } from './settings/sip-line-schema.js';
import { sipLineSecrets } from './sip-line-secrets.js';

type SipLinePlugin = LinePlugin<SipLineSettings & { id: string }>;

let loaded: SipLinePlugin | undefined;

/** The same plugin as `sipLinePlugin` (`"type": "sip"`), loading its line's code on first use. */
export const lazySipLinePlugin: SipLinePlugin = {
  type: 'sip',
  settingsSchema: SipLineSchema,
  secrets: sipLineSecrets,
  async load() {
    loaded ??= (await import('./sip-line-plugin.js')).sipLinePlugin;
  },
  create(settings, deps) {
    if (!loaded) throw new Error('the SIP line plugin is not loaded yet: await its load() before create');
    return loaded.create(settings, deps);
  },
};

/**
 * `@callhook/sip/lazy`: the SIP line plugin without the SIP stack. Its settings schema and secrets are
 * here for validation; sip.js, RTP and the codecs load (`load()`) only when a SIP line is configured,
 * so a server with other lines starts without them. The host awaits `load()` before `create`.
 *
 * The line's code itself comes in two halves: the signalling half (`load()`: sip.js, the transport,
 * registration) and the media half (src/call-media.ts: SDP handler, RTP/RTCP, codecs, SRTP on werift-rtp
 * and hash-wasm), which a call needs and registration does not. The media half loads at the first
 * call, or before it when the host calls {@link preloadCallMedia} in idle time after it is ready.
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

/**
 * Loads the SIP line's media half now, when a SIP line was loaded (`load()` ran): for a host to call
 * once it is ready and idle, so that the first call does not wait for it (without this call the first
 * call loads it). Resolves false without loading anything when no SIP line is configured, true once
 * loaded; rejects with the loader's error (a broken install: each call then tries again).
 */
export async function preloadCallMedia(): Promise<boolean> {
  if (!loaded) return false;
  await (await import('./call-media-loader.js')).loadCallMedia();
  return true;
}

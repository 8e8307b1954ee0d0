import type { ServerEdition } from '@callhook/server';

/**
 * The CLI's edition: its registry of line plugins, one line each (the first is the default line).
 * A new line type is one more entry here. `addOns`: MQTT (runs when the settings have `mqtt`).
 * Loaded lazily: `callhook --version` needs none of it. The SIP and desk-phone lines and MQTT come in
 * their lazy forms: their schemas are here, their code (sip.js, RTP, drivers, mqtt.js) loads only when
 * the settings use them.
 */
export async function cliEdition(): Promise<ServerEdition> {
  const [server, sip, phones, mqtt] = await Promise.all([
    import('@callhook/server'),
    import('@callhook/sip/lazy'),
    import('@callhook/phones/lazy'),
    import('@callhook/mqtt/lazy'),
  ]);
  return {
    linePlugins: [server.simulatorLinePlugin, sip.lazySipLinePlugin, phones.lazyDeskphoneLinePlugin],
    addOns: [mqtt.lazyMqttAddOn()],
  };
}

/**
 * How long after `serve` is ready {@link loadAfterReady} runs: past the start's own burst (the first
 * REGISTER exchange, a console's first requests), so the load takes idle time and `listening on` finds
 * the process without it (apps/cli/README.md, "Start-up").
 */
export const AFTER_READY_LOAD_MS = 500;

/**
 * Loads what the edition's lines need at their first use and not to start, once `serve` is ready and
 * idle: the SIP line's media half (SDP, RTP, codecs, SRTP: `preloadCallMedia` of `@callhook/sip/lazy`),
 * when a SIP line is configured — so the first call does not wait for it. Resolves once loaded (or at
 * once with no SIP line); rejects with the loader's error (the first call then tries again).
 */
export async function loadAfterReady(): Promise<void> {
  const sip = await import('@callhook/sip/lazy');
  await sip.preloadCallMedia();
}

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

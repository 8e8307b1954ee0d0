import type { ServerEdition } from '@callhook/server';

/**
 * The CLI's edition: its registry of line plugins, one line each (the first is the default line).
 * A new line type is one more entry here. `addOns`: MQTT (runs when the settings have `mqtt`).
 * Loaded lazily: `callhook --version` needs none of it.
 */
export async function cliEdition(): Promise<ServerEdition> {
  const [server, sip, phones, mqtt] = await Promise.all([
    import('@callhook/server'),
    import('@callhook/sip'),
    import('@callhook/phones'),
    import('@callhook/mqtt'),
  ]);
  return {
    linePlugins: [server.simulatorLinePlugin, sip.sipLinePlugin, phones.deskphoneLinePlugin],
    addOns: [mqtt.mqttAddOn()],
  };
}

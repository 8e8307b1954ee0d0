/**
 * `@callhook/mqtt/lazy`: the MQTT add-on without mqtt.js. The client and the bridge load (`load()`) only
 * when the settings have `mqtt`, so a server without MQTT starts without them.
 */
import type { AddOnPlugin } from '@callhook/core';
import type { MqttAddOnOptions } from './mqtt-add-on.js';

/** The same add-on as `mqttAddOn(options)`, loading its code when the settings ask for MQTT. */
export function lazyMqttAddOn(options: MqttAddOnOptions = {}): AddOnPlugin {
  let loaded: AddOnPlugin | undefined;
  return {
    name: 'mqtt',
    async load(settings) {
      if (settings.settings.mqtt) loaded ??= (await import('./mqtt-add-on.js')).mqttAddOn(options);
    },
    create(context) {
      if (!context.settings.settings.mqtt) return null;
      if (!loaded) throw new Error('the MQTT add-on is not loaded yet: await its load(settings) before create');
      return loaded.create(context);
    },
  };
}

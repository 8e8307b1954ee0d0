/**
 * @callhook/mqtt: call events, line state and commands over MQTT (mqtt.js, MQTT 5). An edition lists
 * `mqttAddOn()` among its add-ons; it runs when the settings have an `mqtt` section.
 */
export { mqttAddOn, defaultClientId, type MqttAddOnOptions } from './mqtt-add-on.js';
export { mqttSink } from './mqtt-sink.js';
export {
  mqttEventDeliveries,
  MQTT_EVENT_SLOT,
  MQTT_MODE,
  MQTT_URL,
  MQTT_DELIVERY_RETRIES,
  MQTT_DELIVERY_TIMEOUT_MS,
  type MqttEventMessage,
} from './event-deliveries.js';
export { MqttConnection, type ConnectionOptions, type IncomingMessage } from './mqtt-connection.js';
export { Topics, ONLINE, OFFLINE } from './topics.js';
export { lineState, lastMissed, LINE_STATES, type LineStateMessage, type LastMissedMessage, type LineStateName } from './line-state.js';
export { discoveryMessages, qualityDiscoveryMessages, HA_DISCOVERY_PREFIX, HA_STATUS_TOPIC, type DiscoveryMessage } from './home-assistant.js';
export { qualityMessage, showsQuality, type LineQualityMessage } from './line-quality.js';
export { commandQuery, MAX_COMMAND_BYTES, type CommandQuery } from './command-payload.js';
export { handleCommand, type CommandReply } from './command-handler.js';

import { LINE_STATES } from './line-state.js';
import { OFFLINE, ONLINE, type Topics } from './topics.js';

/** Home Assistant's default discovery prefix and its birth topic (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery). */
export const HA_DISCOVERY_PREFIX = 'homeassistant';
export const HA_STATUS_TOPIC = `${HA_DISCOVERY_PREFIX}/status`;

/** One discovery message: its retained config topic and JSON payload. */
export interface DiscoveryMessage {
  topic: string;
  payload: Record<string, unknown>;
}

/** A topic level Home Assistant accepts as node or object id (`[a-zA-Z0-9_-]`). */
function idOf(text: string): string {
  return text.replace(/[^a-zA-Z0-9_-]/g, '_');
}

/**
 * The Home Assistant MQTT discovery configs of one line (`<discovery>/sensor/<node>/<object>/config`,
 * retained): a "Call state" sensor (idle / ringing / connected / held; the remote party, alias,
 * direction and call GUID as attributes from the same retained state topic) and a "Last missed call"
 * sensor (a timestamp; caller and alias as attributes). Both are available while this instance's
 * will topic and the line's availability topic both say `online` (`availability_mode: all`).
 */
export function discoveryMessages(topics: Topics, lineId: string, lineKind: string): DiscoveryMessage[] {
  const node = idOf(`callhook_${topics.clientId}`);
  const base = `${HA_DISCOVERY_PREFIX}/sensor/${node}`;
  const device = {
    identifiers: [`${node}_${lineId}`],
    name: `callhook ${lineId}`,
    manufacturer: 'callhook',
    model: `${lineKind} line`,
  };
  const availability = {
    availability: [{ topic: topics.instanceAvailability() }, { topic: topics.lineAvailability(lineId) }],
    availability_mode: 'all',
    payload_available: ONLINE,
    payload_not_available: OFFLINE,
  };
  return [
    {
      topic: `${base}/${idOf(lineId)}_state/config`,
      payload: {
        name: 'Call state',
        unique_id: `${node}_${lineId}_state`,
        state_topic: topics.state(lineId),
        value_template: '{{ value_json.state }}',
        json_attributes_topic: topics.state(lineId),
        device_class: 'enum',
        options: [...LINE_STATES],
        icon: 'mdi:phone',
        device,
        ...availability,
      },
    },
    {
      topic: `${base}/${idOf(lineId)}_last_missed/config`,
      payload: {
        name: 'Last missed call',
        unique_id: `${node}_${lineId}_last_missed`,
        state_topic: topics.lastMissed(lineId),
        value_template: '{{ value_json.at }}',
        json_attributes_topic: topics.lastMissed(lineId),
        device_class: 'timestamp',
        icon: 'mdi:phone-missed',
        device,
        ...availability,
      },
    },
  ];
}

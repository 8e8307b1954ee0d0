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

/** What every sensor config of one line shares: the node id, config topic base, device and availability. */
function common(topics: Topics, lineId: string, lineKind: string) {
  const node = idOf(`callhook_${topics.clientId}`);
  return {
    node,
    base: `${HA_DISCOVERY_PREFIX}/sensor/${node}`,
    device: {
      identifiers: [`${node}_${lineId}`],
      name: `callhook ${lineId}`,
      manufacturer: 'callhook',
      model: `${lineKind} line`,
    },
    availability: {
      availability: [{ topic: topics.instanceAvailability() }, { topic: topics.lineAvailability(lineId) }],
      availability_mode: 'all',
      payload_available: ONLINE,
      payload_not_available: OFFLINE,
    },
  };
}

/**
 * The Home Assistant MQTT discovery configs of one line (`<discovery>/sensor/<node>/<object>/config`,
 * retained): a "Call state" sensor (idle / ringing / connected / held; the remote party, alias,
 * direction and call GUID as attributes from the same retained state topic) and a "Last missed call"
 * sensor (a timestamp; caller and alias as attributes). Both are available while this instance's
 * will topic and the line's availability topic both say `online` (`availability_mode: all`).
 */
export function discoveryMessages(topics: Topics, lineId: string, lineKind: string): DiscoveryMessage[] {
  const { node, base, device, availability } = common(topics, lineId, lineKind);
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

/** The quality sensors: object id suffix, name, the `LineQualityMessage` field, unit and extra config. */
const QUALITY_SENSORS = [
  { id: 'mos', name: 'Call MOS', field: 'mos', extra: { icon: 'mdi:phone-check' } },
  { id: 'loss', name: 'Call packet loss', field: 'lossPercent', extra: { unit_of_measurement: '%', icon: 'mdi:phone-alert' } },
  { id: 'jitter', name: 'Call jitter', field: 'jitterMs', extra: { unit_of_measurement: 'ms', device_class: 'duration' } },
  { id: 'rtt', name: 'Call round-trip time', field: 'rttMs', extra: { unit_of_measurement: 'ms', device_class: 'duration' } },
  { id: 'packets_received', name: 'Call packets received', field: 'packetsReceived', extra: { icon: 'mdi:counter' } },
] as const;

/**
 * The Home Assistant discovery configs of one line's call quality (`<prefix>/<line>/quality`): MOS, packet
 * loss (%), jitter (ms), round-trip time (ms) and packets received, each a `measurement` sensor reading
 * its field of the retained quality message, with the whole message (call GUID, `live`, codec, SRTP
 * suite) as attributes. A null figure renders as `None`, which Home Assistant shows as unknown. Sent
 * for a line once it reported quality (only lines with real media do), so desk-phone and simulator
 * lines get no sensors that would stay unknown. Same device and availability as `discoveryMessages`.
 */
export function qualityDiscoveryMessages(topics: Topics, lineId: string, lineKind: string): DiscoveryMessage[] {
  const { node, base, device, availability } = common(topics, lineId, lineKind);
  return QUALITY_SENSORS.map((sensor) => ({
    topic: `${base}/${idOf(lineId)}_quality_${sensor.id}/config`,
    payload: {
      name: sensor.name,
      unique_id: `${node}_${lineId}_quality_${sensor.id}`,
      state_topic: topics.quality(lineId),
      value_template: `{{ value_json.${sensor.field} }}`,
      json_attributes_topic: topics.quality(lineId),
      state_class: 'measurement',
      ...sensor.extra,
      device,
      ...availability,
    },
  }));
}

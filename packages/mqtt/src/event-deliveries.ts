import { deliveryId, type EventDeliveries, type PendingDelivery } from '@callhook/core';
import { Topics } from './topics.js';

/**
 * The slot number of MQTT event deliveries: above any edition's Action URL slots, so their lane (a
 * call's events in order) and their delivery ids (`<call>:<action>:9999:<sequence>`) are their own.
 */
export const MQTT_EVENT_SLOT = 9999;

/** The delivery sink mode of MQTT event messages. */
export const MQTT_MODE = 'mqtt';

/**
 * How long one attempt waits for the broker (connection and acknowledgement) and how often it is
 * tried again: 11 attempts of up to 30 s with back-offs of 1, 2, 4 … 512 s ride out a broker outage
 * of about 22 minutes (a restart, an upgrade); a longer one ends the message as failed in the
 * delivery log, like an HTTP receiver that stays down. Across a restart of callhook it starts again.
 */
export const MQTT_DELIVERY_TIMEOUT_MS = 30_000;
export const MQTT_DELIVERY_RETRIES = { max: 10, backoffMs: 1_000 } as const;

/** The header of a delivery that carries the QoS it is published with (`0`, `1` or `2`). */
export const QOS_HEADER = 'mqtt-qos';
/** The header of a delivery that carries its topic. */
export const TOPIC_HEADER = 'mqtt-topic';

/**
 * The `url` of every MQTT delivery. The topic travels in `TOPIC_HEADER`, not here: the outbox keys
 * its entries by receiver origin, and for a URL without an origin the SQLite journal takes the whole
 * URL, where the dispatcher groups every `mqtt` delivery under `mqtt:` — a topic here would leave
 * deliveries parked in the outbox unread once more than one origin's share (1/8 of the in-memory
 * bound) waits. `mqtt:` is the same key under both rules.
 */
export const MQTT_URL = 'mqtt:';

/**
 * The event message (a public contract): the delivery id, which stays the same across retries and
 * restarts (the idempotency key a consumer drops duplicates by), the action, its time, the call's
 * disposition and the whole call snapshot.
 */
export interface MqttEventMessage {
  id: string;
  action: string;
  at: string;
  lineId: string;
  disposition: string | null;
  call: unknown;
}

/**
 * One MQTT delivery per call event while the settings have `mqtt`: to `<prefix>/<line>/events`, with
 * the settings' QoS. It goes through the dispatcher and the journal's outbox like a slot's delivery,
 * so a message the broker has not acknowledged is sent again after a restart.
 */
export const mqttEventDeliveries: EventDeliveries = (loaded, event) => {
  const mqtt = loaded.settings.mqtt;
  if (!mqtt) return [];
  const { call } = event;
  const id = deliveryId(call.guid, event.action, MQTT_EVENT_SLOT, event.sequence);
  const message: MqttEventMessage = {
    id,
    action: event.action,
    at: new Date(event.at).toISOString(),
    lineId: call.lineId,
    disposition: call.disposition,
    call,
  };
  const delivery: PendingDelivery = {
    id,
    callGuid: call.guid,
    action: event.action,
    slot: MQTT_EVENT_SLOT,
    sequence: event.sequence,
    url: MQTT_URL,
    mode: MQTT_MODE,
    method: 'POST',
    headers: { [QOS_HEADER]: String(mqtt.qos), [TOPIC_HEADER]: new Topics(mqtt.topicPrefix, '').events(call.lineId) },
    body: JSON.stringify(message),
    signingSecret: null,
    timeoutMs: MQTT_DELIVERY_TIMEOUT_MS,
    retries: { ...MQTT_DELIVERY_RETRIES },
    createdAt: event.at,
  };
  return [delivery];
};

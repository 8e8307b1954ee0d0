import type { DeliverySink, PendingDelivery, SinkResult } from '@callhook/core';
import { MQTT_EVENT_SLOT, MQTT_MODE, MQTT_URL, QOS_HEADER, TOPIC_HEADER } from './event-deliveries.js';
import type { MqttConnection } from './mqtt-connection.js';

/**
 * The `mqtt` delivery sink: publishes a delivery's body (the event message) to its topic (the
 * `mqtt-topic` header; see `MQTT_URL`) with its QoS, and counts it delivered once the broker acknowledged it (PUBACK
 * for QoS 1, PUBCOMP for QoS 2). Until then the delivery stays in the journal's outbox, so an
 * unacknowledged message survives a crash and is sent after the restart. While the broker is
 * unreachable an attempt waits for the connection until its timeout (then it is retried). The
 * message carries the delivery id in its payload (`id`) and, under MQTT 5, as the user property
 * `Idempotency-Key`, so a consumer can drop the duplicates at-least-once may bring.
 */
export function mqttSink(connection: MqttConnection): DeliverySink {
  return {
    mode: MQTT_MODE,
    async deliver(delivery, cancellation) {
      const refused = refusal(delivery);
      if (refused) return refused;
      const qos = Number(delivery.headers[QOS_HEADER] ?? '1') as 0 | 1 | 2;
      if (cancellation.reason) throw cancellation.reason;
      let rejectAborted: (reason: Error) => void = () => undefined;
      const aborted = new Promise<never>((_, reject) => (rejectAborted = reject));
      aborted.catch(() => undefined); // settled by the races below; never left unhandled
      let stopWaiting: ((reason: Error) => void) | null = null;
      cancellation.onCancel((reason) => {
        stopWaiting?.(reason);
        rejectAborted(reason);
      });
      // A publish the dropping connection refuses at once is tried again on the next connection within this
      // attempt (bounded by the attempt's timeout): failing fast would spend the slot's doubling back-off in
      // seconds and leave the delivery waiting minutes after the broker is back.
      for (;;) {
        await Promise.race([connection.whenConnected((giveUp) => (stopWaiting = giveUp)), aborted]);
        const published = connection.publish(topicOf(delivery), delivery.body!, {
          qos,
          properties: { userProperties: { 'Idempotency-Key': delivery.id }, contentType: 'application/json' },
        });
        try {
          await Promise.race([published, aborted]);
          return { outcome: 'delivered', status: null, error: null, retryable: false };
        } catch (error) {
          if (cancellation.reason || connection.connected) throw error;
        }
      }
    },
  };
}

/** A delivery this sink cannot send (a replay from the log has no body; a topic with wildcards): final, with the reason. */
function refusal(delivery: PendingDelivery): SinkResult | null {
  if (delivery.body === null) {
    const what = delivery.slot === MQTT_EVENT_SLOT ? 'an MQTT event' : `slot ${delivery.slot + 1}`;
    return {
      outcome: 'network_error',
      status: null,
      error: `${what} has no message body (a replay from the log cannot rebuild it); fire the event again`,
      retryable: false,
    };
  }
  const topic = topicOf(delivery);
  if (topic === '' || /[+#\0]/.test(topic)) {
    return { outcome: 'network_error', status: null, error: `"${topic}" is no topic to publish to (no +, # or empty topic)`, retryable: false };
  }
  return null;
}

/** The topic of a delivery: its `mqtt-topic` header, else (a delivery not made by `mqttEventDeliveries`) its URL. */
function topicOf(delivery: PendingDelivery): string {
  return delivery.headers[TOPIC_HEADER] ?? (delivery.url === MQTT_URL ? '' : delivery.url);
}

import { CallhookError, type DeliveryRecord, type PendingDelivery, type Slot } from '@callhook/core';
import { deliverOnce, deliveryDeadline, oneOffId, type DeliverySubmitter } from './deliver-once.js';

/**
 * Sends a logged delivery's URL again. The log keeps the expanded URL, not a POST body, so a POST
 * slot cannot be replayed faithfully and is refused. Headers, secret and timeout come from the slot
 * as it is configured now.
 */
export function replayDelivery(sink: DeliverySubmitter, record: DeliveryRecord, slot: Slot | undefined, now: number): Promise<DeliveryRecord> {
  if (slot?.method === 'POST')
    throw new CallhookError(
      'bad_request',
      `Action URL ${record.slot + 1} is a POST slot: its body is not kept in the log, so it cannot be replayed; fire the event again`,
    );
  const { id, sequence } = oneOffId(`${record.deliveryId}:replay`, now);
  const delivery: PendingDelivery = {
    id,
    callGuid: record.callGuid,
    action: record.action,
    slot: record.slot,
    sequence,
    url: record.url,
    mode: record.mode,
    method: 'GET',
    headers: { ...(slot?.headers ?? {}) },
    body: null,
    signingSecret: slot?.secret ?? null,
    timeoutMs: slot?.timeoutMs ?? 5_000,
    retries: { max: 0, backoffMs: 1_000 },
    createdAt: now,
  };
  return deliverOnce(sink, delivery, deliveryDeadline(delivery));
}

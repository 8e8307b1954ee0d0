import { CallhookError, type DeliveryRecord } from '@callhook/core';
import type { History } from '../journal/history.js';

/** A delivery of the recent log by id, for Replay. */
export async function findLoggedDelivery(history: Pick<History, 'recentDeliveries'>, deliveryId: string): Promise<DeliveryRecord> {
  const logged = (await history.recentDeliveries(1_000)).find((r) => r.deliveryId === deliveryId);
  if (!logged)
    throw new CallhookError(
      'bad_request',
      `delivery ${deliveryId} is no longer in the log (the last 1000 attempts are kept); pick one from GET /api/v1/deliveries`,
    );
  return logged;
}

import {
  deliveriesFor,
  loadSettings,
  restoreSlotSecrets,
  SettingsError,
  type Action,
  type CallSnapshot,
  type DeliveryRecord,
  type MaskedSlot,
  type PendingDelivery,
  type Settings,
  type SettingsIssue,
  type Slot,
} from '@callhook/core';
import { deliverOnce, deliveryDeadline, oneOffId, type DeliverySubmitter } from './deliver-once.js';

export interface SlotTest {
  /** Secrets may be `{"set": true}`: taken from `saved.actionUrls.slots[index]`. */
  slot: Slot | MaskedSlot;
  action: Action;
  call: CallSnapshot;
  /** The slot's position in the saved settings, for the secrets it shows as set. */
  index?: number | undefined;
}

/**
 * Fires one slot once, as it stands in the dialog (saved or not), against the given call: its
 * `{"set": true}` secrets are taken from the saved slot at `test.index` (refused with a SettingsError
 * when there is none, or the slot now sends elsewhere), then the slot is validated and compiled exactly
 * as settings are and goes through the engine's dispatcher, once (no retries), so the result is a real delivery record (it
 * also appears in the delivery log, with the tested slot's number and a `test:` call guid).
 */
export function testSlot(sink: DeliverySubmitter, test: SlotTest, now: number, saved?: Settings): Promise<DeliveryRecord> {
  const issues: SettingsIssue[] = [];
  const stored = test.index === undefined ? undefined : saved?.actionUrls.slots[test.index];
  const slot = restoreSlotSecrets(test.slot, stored, 'slot', issues) as Slot;
  if (issues.length > 0) throw new SettingsError(issues);
  const loaded = loadSettings({ actionUrls: { enabled: true, slots: [{ ...slot, active: true, on: test.action, lines: null }] } });
  const [delivery] = deliveriesFor(loaded, { action: test.action, call: test.call, at: now, sequence: 1 });
  if (!delivery) throw new Error('the slot produced no delivery');
  const slotIndex = test.index ?? 0;
  // The record names the slot the dialog tested; `test:` in its ids marks it as a test (isTestDelivery).
  const { id } = oneOffId(`test:${test.action}:${slotIndex}`, now);
  // One attempt, whatever the slot's retries: the dialog answers with what the receiver says now,
  // within the slot's timeout, rather than after minutes of back-off against a receiver that is down.
  const once: PendingDelivery = {
    ...delivery,
    id,
    slot: slotIndex,
    callGuid: `test:${test.call.guid}`,
    createdAt: now,
    retries: { ...delivery.retries, max: 0 },
  };
  return deliverOnce(sink, once, deliveryDeadline(once));
}

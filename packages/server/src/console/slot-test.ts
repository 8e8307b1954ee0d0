import { deliveriesFor, loadSettings, type Action, type CallSnapshot, type DeliveryRecord, type Slot } from '@callhook/core';
import { deliverOnce, deliveryDeadline, oneOffId, type DeliverySubmitter } from './deliver-once.js';

export interface SlotTest {
  slot: Slot;
  action: Action;
  call: CallSnapshot;
}

/**
 * Fires one slot once, as it stands in the dialog (saved or not), against the given call: the slot is
 * validated and compiled exactly as settings are, then goes through the engine's dispatcher so the
 * result is a real delivery record (it also appears in the delivery log).
 */
export function testSlot(sink: DeliverySubmitter, test: SlotTest, now: number): Promise<DeliveryRecord> {
  const loaded = loadSettings({ actionUrls: { enabled: true, slots: [{ ...test.slot, active: true, on: test.action, lines: null }] } });
  const [delivery] = deliveriesFor(loaded, { action: test.action, call: test.call, at: now, sequence: 1 });
  if (!delivery) throw new Error('the slot produced no delivery');
  const { id } = oneOffId(`test:${test.action}`, now);
  return deliverOnce(sink, { ...delivery, id, callGuid: `test:${test.call.guid}`, createdAt: now }, deliveryDeadline(delivery));
}

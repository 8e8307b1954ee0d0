import type { Action } from '../actions.js';
import type { CallSnapshot } from '../call/snapshot.js';
import { deliveryId, type PendingDelivery } from '../dispatch/delivery.js';
import type { LoadedSettings } from '../settings/load-settings.js';
import { sinkOf } from '../settings/settings-schema.js';
import { expansionContext, type ExpansionContext } from '../template/expansion-context.js';
import type { UtcOffset } from '../template/local-time.js';

export interface CallEventInput {
  action: Action;
  call: CallSnapshot;
  at: number;
  /** Per-call event counter, part of each delivery's Idempotency-Key. */
  sequence: number;
}

/** What `deliveriesFor` reads from one settings object for every event: worked out once per `LoadedSettings`. */
interface SlotIndex {
  /** The active slots with a template, by the action that fires them, in slot order. */
  byAction: Map<Action, number[]>;
  /** Base of the control API for `<$recording_url>`. */
  apiBaseUrl: string;
}

/** Settings are replaced, never changed in place (`Engine.applySettings`), so an index per object stays right. */
const slotIndexes = new WeakMap<LoadedSettings, SlotIndex>();

function slotIndexOf(loaded: LoadedSettings): SlotIndex {
  let index = slotIndexes.get(loaded);
  if (index === undefined) {
    const byAction = new Map<Action, number[]>();
    loaded.settings.actionUrls.slots.forEach((slot, i) => {
      if (!slot.active || !loaded.templates[i]) return;
      const slots = byAction.get(slot.on);
      if (slots) slots.push(i);
      else byAction.set(slot.on, [i]);
    });
    const { inbound } = loaded.settings;
    const host = inbound.listen[0] ?? '127.0.0.1';
    index = { byAction, apiBaseUrl: `http://${host.includes(':') ? `[${host}]` : host}:${inbound.port}` };
    slotIndexes.set(loaded, index);
  }
  return index;
}

/** The deliveries one call event causes: one per active slot whose trigger matches and whose `lines` (if set) hold the call's line. */
export function deliveriesFor(loaded: LoadedSettings, event: CallEventInput, offset?: UtcOffset): PendingDelivery[] {
  const { actionUrls } = loaded.settings;
  if (!actionUrls.enabled) return [];
  const { byAction, apiBaseUrl } = slotIndexOf(loaded);
  const candidates = byAction.get(event.action);
  if (candidates === undefined) return [];
  const deliveries: PendingDelivery[] = [];
  let context: ExpansionContext | null = null;
  for (const index of candidates) {
    const slot = actionUrls.slots[index]!;
    if (slot.lines !== null && !slot.lines.includes(event.call.lineId)) continue;
    context ??= expansionContext({ ...event, apiBaseUrl }, offset);
    const post = slot.method === 'POST';
    deliveries.push({
      id: deliveryId(event.call.guid, event.action, index, event.sequence),
      callGuid: event.call.guid,
      action: event.action,
      slot: index,
      sequence: event.sequence,
      url: loaded.templates[index]!.expand(context, slot.maxValueLength),
      mode: sinkOf(slot),
      method: slot.method,
      headers: post ? { ...slot.headers, 'Content-Type': 'application/json' } : { ...slot.headers },
      body: post ? JSON.stringify({ action: event.action, at: new Date(event.at).toISOString(), call: event.call }) : null,
      signingSecret: slot.secret,
      timeoutMs: slot.timeoutMs,
      retries: slot.retries,
      createdAt: event.at,
    });
  }
  return deliveries;
}

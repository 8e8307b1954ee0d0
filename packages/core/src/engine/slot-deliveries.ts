import type { Action } from '../actions.js';
import type { CallSnapshot } from '../call/snapshot.js';
import { deliveryId, type PendingDelivery } from '../dispatch/delivery.js';
import type { LoadedSettings } from '../settings/load-settings.js';
import { sinkOf } from '../settings/settings-schema.js';
import { expansionContext } from '../template/expansion-context.js';
import type { UtcOffset } from '../template/local-time.js';

export interface CallEventInput {
  action: Action;
  call: CallSnapshot;
  at: number;
  /** Per-call event counter, part of each delivery's Idempotency-Key. */
  sequence: number;
}

/** The deliveries one call event causes: one per active slot whose trigger matches and whose `lines` (if set) hold the call's line. */
export function deliveriesFor(loaded: LoadedSettings, event: CallEventInput, offset?: UtcOffset): PendingDelivery[] {
  const { actionUrls } = loaded.settings;
  if (!actionUrls.enabled) return [];
  const matching = actionUrls.slots.flatMap((slot, index) =>
    slot.active && slot.on === event.action && loaded.templates[index] && (slot.lines === null || slot.lines.includes(event.call.lineId)) ? [index] : [],
  );
  if (matching.length === 0) return [];
  const { inbound } = loaded.settings;
  const host = inbound.listen[0] ?? '127.0.0.1';
  const apiBaseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${inbound.port}`;
  const context = expansionContext({ ...event, apiBaseUrl }, offset);
  return matching.map((index) => {
    const slot = actionUrls.slots[index]!;
    const post = slot.method === 'POST';
    return {
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
    };
  });
}

import { ACTIONS, DEFAULT_MAX_SLOTS, MaskedSlotSchema, type MaskedSettings, type MaskedSlot } from '@callhook/core';

/** The dialog always shows this many slots (the spec's five); empty ones after the last filled one are not saved. */
export const SLOT_COUNT = DEFAULT_MAX_SLOTS;

/** An empty, inactive row with the schema's defaults for everything else. */
export const emptySlot = (index: number): MaskedSlot => MaskedSlotSchema.parse({ on: ACTIONS[index % ACTIONS.length]!, url: '', active: false });

/** The saved slots padded to the dialog's five rows. */
export function slotRows(section: MaskedSettings['actionUrls']): MaskedSlot[] {
  return Array.from({ length: Math.max(SLOT_COUNT, section.slots.length) }, (_, i) => section.slots[i] ?? emptySlot(i));
}

/**
 * The rows as saved: up to the last row with a URL, so every slot keeps its number (and its
 * entries in the delivery log). An empty row in between is saved empty and inactive.
 */
export function slotsToSave(rows: MaskedSlot[]): MaskedSlot[] {
  let last = rows.length - 1;
  while (last >= 0 && rows[last]!.url.trim() === '') last--;
  return rows.slice(0, last + 1).map((row) => (row.url.trim() === '' ? { ...row, url: '', active: false } : row));
}

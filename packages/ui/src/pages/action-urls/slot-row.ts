import { ACTIONS, type Settings, type Slot } from '@callhook/core';

/** The dialog always shows this many slots; empty ones are not saved. */
export const SLOT_COUNT = 5;

export const emptySlot = (index: number): Slot => ({
  on: ACTIONS[index % ACTIONS.length]!,
  url: '',
  active: false,
  openInBrowser: false,
  method: 'GET',
  headers: {},
  secret: null,
  timeoutMs: 5_000,
  retries: { max: 0, backoffMs: 1_000 },
});

/** The saved slots padded to the dialog's five rows. */
export function slotRows(section: Settings['actionUrls']): Slot[] {
  return Array.from({ length: Math.max(SLOT_COUNT, section.slots.length) }, (_, i) => section.slots[i] ?? emptySlot(i));
}

/** The rows as saved: rows without a URL are left out. */
export function slotsToSave(rows: Slot[]): Slot[] {
  return rows.filter((row) => row.url.trim() !== '');
}

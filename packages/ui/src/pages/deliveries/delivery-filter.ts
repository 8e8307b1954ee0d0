import type { Action, DeliveryRecord } from '@callhook/core';
import { isTestDelivery } from '@callhook/server/contract';

/** The outcomes that mean the receiver got the call event. */
export const GOOD_OUTCOMES: ReadonlySet<string> = new Set(['delivered', 'opened']);

/** What the delivery log shows; every part left empty shows everything. */
export interface DeliveryFilter {
  /** `failed`: anything but delivered/opened. */
  outcome: 'all' | 'good' | 'failed';
  /** The slot's index (0-based), or null for every slot. */
  slot: number | null;
  action: Action | null;
  /** A call guid; `test:` guids are slot tests. */
  call: string | null;
  /** Matched without case against the URL, error, call guid and status. */
  search: string;
  /** Leave out slot tests from the console. */
  hideTests: boolean;
}

export const NO_FILTER: DeliveryFilter = { outcome: 'all', slot: null, action: null, call: null, search: '', hideTests: false };

/** The records `filter` lets through, in their order. */
export function filterDeliveries(records: readonly DeliveryRecord[], filter: DeliveryFilter): DeliveryRecord[] {
  const needle = filter.search.trim().toLowerCase();
  return records.filter((r) => {
    if (filter.outcome === 'good' && !GOOD_OUTCOMES.has(r.outcome)) return false;
    if (filter.outcome === 'failed' && GOOD_OUTCOMES.has(r.outcome)) return false;
    if (filter.slot !== null && r.slot !== filter.slot) return false;
    if (filter.action !== null && r.action !== filter.action) return false;
    if (filter.call !== null && r.callGuid !== filter.call) return false;
    if (filter.hideTests && isTestDelivery(r)) return false;
    if (needle === '') return true;
    return [r.url, r.error ?? '', r.callGuid, r.outcome, String(r.status ?? '')].some((field) => field.toLowerCase().includes(needle));
  });
}

/** One page of `items` (1-based `page`, clamped to the pages there are) and how many pages there are. */
export function pageOf<T>(items: readonly T[], page: number, size: number): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(Math.max(1, page), pages);
  return { items: items.slice((current - 1) * size, current * size), page: current, pages };
}

/** A long URL cut in the middle for the table (`https://crm.example/…/hook?x=1`); the full one expands. */
export function shortUrl(url: string, max = 64): string {
  if (url.length <= max) return url;
  const head = Math.ceil((max - 1) * 0.6);
  return `${url.slice(0, head)}…${url.slice(url.length - (max - 1 - head))}`;
}

/** The export columns of the delivery log (CSV); JSON exports the records as the API answers them. */
export const DELIVERY_COLUMNS: { name: string; value(r: DeliveryRecord): unknown }[] = [
  { name: 'time', value: (r) => new Date(r.at).toISOString() },
  { name: 'slot', value: (r) => r.slot + 1 },
  { name: 'test', value: (r) => isTestDelivery(r) },
  { name: 'action', value: (r) => r.action },
  { name: 'call', value: (r) => r.callGuid },
  { name: 'url', value: (r) => r.url },
  { name: 'mode', value: (r) => r.mode },
  { name: 'attempt', value: (r) => r.attempt },
  { name: 'final', value: (r) => r.final },
  { name: 'outcome', value: (r) => r.outcome },
  { name: 'status', value: (r) => r.status },
  { name: 'latency_ms', value: (r) => r.latencyMs },
  { name: 'error', value: (r) => r.error },
  { name: 'delivery_id', value: (r) => r.deliveryId },
];

export const PAGES = [
  { id: 'action-urls', label: 'Action URLs' },
  { id: 'inbound', label: 'Inbound' },
  { id: 'lines', label: 'Lines' },
  { id: 'calls', label: 'Calls' },
  { id: 'deliveries', label: 'Deliveries' },
  { id: 'dashboard', label: 'Dashboard' },
] as const;

export type PageId = (typeof PAGES)[number]['id'];

/** The page named by the location hash (`#calls`), so a page can be linked and reloaded. */
export function pageFromHash(hash: string): PageId {
  const id = hash.replace(/^#\/?/, '');
  return PAGES.find((page) => page.id === id)?.id ?? 'action-urls';
}

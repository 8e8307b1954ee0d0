/** Minutes east of UTC at a given instant (Berlin in summer: 120). */
export type UtcOffset = (epochMs: number) => number;

/** The host's local zone, as JavaScript's Date sees it. */
export const hostUtcOffset: UtcOffset = (epochMs) => -new Date(epochMs).getTimezoneOffset();

/** The spec's value for a time that has not happened yet. */
export const NOT_YET = '1899-12-31T00-00-00';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Local time as the spec writes it: `2019-03-25T10-34-22`. `null` means not yet. */
export function formatSpecTime(epochMs: number | null, offset: UtcOffset = hostUtcOffset): string {
  if (epochMs === null) return NOT_YET;
  const d = new Date(epochMs + offset(epochMs) * 60_000);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}`
  );
}

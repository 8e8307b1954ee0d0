/** One CSV field: quoted when it holds a comma, quote or line break (RFC 4180), quotes doubled. */
function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV with a header line of `columns` (RFC 4180, CRLF line ends). */
export function toCsv<T>(rows: readonly T[], columns: readonly { name: string; value(row: T): unknown }[]): string {
  const lines = [columns.map((c) => csvField(c.name)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(c.value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Lets the browser save `text` as a file named `name` (a Blob URL, revoked right after the click). */
export function downloadText(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

/** `callhook-deliveries-2026-11-29T1940.csv`: what, and when it was exported (local time). */
export function exportName(what: string, extension: string, at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}${pad(at.getMinutes())}`;
  return `callhook-${what}-${stamp}.${extension}`;
}

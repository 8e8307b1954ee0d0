export interface Via {
  transport: string;
  host: string;
  port: number | undefined;
  branch: string | undefined;
  received: string | undefined;
  rport: number | undefined;
}

const VIA = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+(\[[0-9A-Fa-f:.]+\]|[^\s;:]+)(?::(\d{1,5}))?\s*(.*)$/;

/** Parses the first value of a Via header; returns undefined when it is not a Via. */
export function parseVia(value: string): Via | undefined {
  const first = splitFirstValue(value);
  const match = VIA.exec(first.trim());
  if (!match) return undefined;
  const params = new Map<string, string>();
  for (const part of (match[4] ?? '').split(';')) {
    const [name, val] = part.split('=', 2);
    if (name?.trim()) params.set(name.trim().toLowerCase(), (val ?? '').trim());
  }
  const rport = Number(params.get('rport'));
  return {
    transport: match[1]!.toUpperCase(),
    host: match[2]!.replace(/^\[|\]$/g, ''),
    port: match[3] ? Number(match[3]) : undefined,
    branch: params.get('branch') || undefined,
    received: params.get('received') || undefined,
    rport: Number.isInteger(rport) && rport > 0 ? rport : undefined,
  };
}

function splitFirstValue(value: string): string {
  const comma = value.indexOf(',');
  return comma === -1 ? value : value.slice(0, comma);
}

/** What the built-in demo receiver got: enough to see placeholders, keys and signatures arrive. */
export interface EchoRecord {
  at: string;
  method: string;
  url: string;
  /** Parsed query; `token` values are `[redacted]`, a repeated parameter is an array. */
  query: Record<string, string | string[]>;
  idempotencyKey: string | null;
  signature: string | null;
  body: string | null;
}

/** A bounded ring of the last requests the echo receiver recorded. */
export class EchoStore {
  private readonly records: EchoRecord[] = [];
  private total = 0;

  constructor(private readonly limit = 500) {}

  add(record: EchoRecord): void {
    this.total++;
    this.records.push(record);
    if (this.records.length > this.limit) this.records.shift();
  }

  list(): { total: number; records: EchoRecord[] } {
    return { total: this.total, records: [...this.records] };
  }
}

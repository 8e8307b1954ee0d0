/** An age limit of a {@link BoundedMap}. */
export interface BoundedMapMaxAge {
  /**
   * Entries older than this many milliseconds (since their last `set`) are forgotten; by default they
   * are kept until `limit` newer ones push them out. The SIP transport's bookkeeping uses 64×T1, the
   * longest a transaction lives (RFC 3261 §17.1.1.2 Timer B, §17.2.2 Timer J; RFC 6026 Timer L), so
   * under steady load its maps hold rate × 32 s entries instead of filling to `limit`.
   */
  maxAgeMs: number;
  /** The clock ages are read from (the Clock port's `now()`, milliseconds). */
  clock: { now(): number };
}

/**
 * A map for per-transaction bookkeeping that forgets its oldest entries beyond `limit` and, with
 * `maxAgeMs`, those that have outlived any transaction they could belong to. Insertion order is age
 * order (a `set` of a key moves it to the end), so forgetting only ever looks at the oldest entries:
 * O(1) amortised per call.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, { value: V; at: number }>();
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  /** @param limit most entries kept (≥ 1); @param maxAge none by default. */
  constructor(
    private readonly limit: number,
    maxAge?: BoundedMapMaxAge,
  ) {
    this.maxAgeMs = maxAge?.maxAgeMs ?? Number.POSITIVE_INFINITY;
    this.now = maxAge ? () => maxAge.clock.now() : () => 0;
  }

  /** Entries kept (the outlived ones forgotten first). */
  get size(): number {
    this.forgetOutlived();
    return this.entries.size;
  }

  has(key: K): boolean {
    this.forgetOutlived();
    return this.entries.has(key);
  }

  get(key: K): V | undefined {
    this.forgetOutlived();
    return this.entries.get(key)?.value;
  }

  set(key: K, value: V): this {
    this.entries.delete(key);
    this.entries.set(key, { value, at: this.now() });
    this.forgetOutlived();
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as K);
    return this;
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  private forgetOutlived(): void {
    if (this.maxAgeMs === Number.POSITIVE_INFINITY) return;
    const bornBefore = this.now() - this.maxAgeMs;
    for (const [key, entry] of this.entries) {
      if (entry.at >= bornBefore) return;
      this.entries.delete(key);
    }
  }
}

/** Ops per batch (one transaction each): a storm's first entries are not held behind thousands of writes. */
const OPS_PER_BATCH = 256;
/** Failed batches remembered, so a delivery whose entry was lost is told so; merged when adjacent. */
const FAILED_RANGES_KEPT = 64;

/** Options of a `WriteSequence`. */
export interface WriteSequenceOptions<Op> {
  /** Writes one batch, in one transaction: all of it or none. */
  apply: (ops: Op[]) => Promise<void>;
  /** The error a failed batch is reported and rejected with, from its message. */
  describe: (message: string) => Error;
  /** A batch failed (or `report` was called). */
  onError: (error: Error) => void;
}

interface Waiter {
  upTo: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Fire-and-forget writes to an async database, committed in order in batches, with other work (a
 * read that must see them, a lease renewal) run in the same order: each step starts after the one
 * before it has finished. Ops are counted from the first write; `durable(key)` settles once the op
 * written under `key` is committed, or rejects when its batch failed.
 */
export class WriteSequence<Op> {
  private ops: Op[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private written = 0;
  private committed = 0;
  private readonly keyed = new Map<string, number>();
  private waiters: Waiter[] = [];
  private failedRanges: { from: number; to: number; error: Error }[] = [];

  constructor(private readonly options: WriteSequenceOptions<Op>) {}

  /** Queues an op for the next batch; `key` names it for `durable`. */
  write(op: Op, key?: string): void {
    this.ops.push(op);
    this.written++;
    if (key !== undefined) this.keyed.set(key, this.written);
    this.scheduled ??= setImmediate(() => this.post());
  }

  /** Settles once the op written under `key` is committed; undefined when it already is (or none was). */
  durable(key: string): Promise<void> | undefined {
    const upTo = this.keyed.get(key);
    if (upTo === undefined) return undefined;
    this.keyed.delete(key);
    if (upTo <= this.committed) {
      const failed = this.failedRanges.find((range) => range.from < upTo && upTo <= range.to);
      return failed ? Promise.reject(failed.error) : undefined;
    }
    this.post(); // no waiting for the end of the turn: a request is held until this is written
    return new Promise((resolve, reject) => this.waiters.push({ upTo, resolve, reject }));
  }

  /** Runs `work` once every op written before it was tried (committed or failed), in the sequence. */
  after<T>(work: () => Promise<T>): Promise<T> {
    this.post();
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Settles once every op written so far was tried. */
  async flush(): Promise<void> {
    await this.after(async () => undefined);
  }

  /** Reports an error of work run in the sequence (not a batch). */
  report(error: Error): void {
    this.options.onError(error);
  }

  private post(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    while (this.ops.length > 0) {
      const batch = this.ops.length <= OPS_PER_BATCH ? this.ops : this.ops.slice(0, OPS_PER_BATCH);
      this.ops = batch === this.ops ? [] : this.ops.slice(OPS_PER_BATCH);
      const upTo = this.written - this.ops.length;
      this.tail = this.tail
        .then(() => this.options.apply(batch))
        .then(
          () => this.settle(upTo, null),
          (error: unknown) => this.settle(upTo, this.options.describe(error instanceof Error ? error.message : String(error))),
        );
    }
  }

  private settle(upTo: number, error: Error | null): void {
    const from = this.committed;
    this.committed = upTo;
    if (error) {
      this.options.onError(error);
      const last = this.failedRanges.at(-1);
      if (last && last.to === from) last.to = upTo;
      else this.failedRanges.push({ from, to: upTo, error });
      if (this.failedRanges.length > FAILED_RANGES_KEPT) this.failedRanges.shift();
    }
    const waiting: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.upTo > upTo) waiting.push(waiter);
      else if (error) waiter.reject(error);
      else waiter.resolve();
    }
    this.waiters = waiting;
  }
}

/**
 * The same shape as core's Clock port, declared here so that this package does not depend on
 * @callhook/core (core's own tests use it: a dependency back would be a cycle).
 */
export interface ClockLike {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** 2022-02-13 16:43:50 UTC: the moment of the spec's examples, and the default start. */
export const SPEC_EXAMPLE_TIME = Date.UTC(2022, 1, 13, 16, 43, 50);

/**
 * The one simulated clock of every package's tests: time moves only when a test calls `advance`.
 *
 * `advance(ms)` semantics:
 * 1. It first lets pending promise jobs run (`flush`), so work a test just started can schedule timers.
 * 2. Then it repeatedly takes the earliest timer due at or before `now() + ms` (ties in the order they
 *    were set), sets `now()` to its due time, runs it, and flushes promise jobs again — so timers set by
 *    a callback, or by promise continuations it caused, run in the same `advance` when they fall due in it.
 * 3. Finally `now()` becomes exactly the old `now() + ms`, and promise jobs are flushed once more.
 * A timer with a negative delay is due now. Await it: `await clock.advance(1_000)`.
 */
export class SimulatedClock implements ClockLike {
  private readonly timers = new Map<number, { due: number; callback: () => void }>();
  private nextId = 1;

  constructor(private current: number = SPEC_EXAMPLE_TIME) {}

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): number {
    const id = this.nextId++;
    this.timers.set(id, { due: this.current + Math.max(0, delayMs), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** How many timers are waiting. */
  pendingTimers(): number {
    return this.timers.size;
  }

  /** Due times of the timers still waiting, earliest first. */
  pendingDue(): number[] {
    return [...this.timers.values()].map((timer) => timer.due).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`; see the class comment for the order of things. */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    for (;;) {
      await flush();
      const next = this.earliest();
      if (!next || next.due > end) break;
      this.timers.delete(next.id);
      this.current = next.due;
      next.callback();
    }
    this.current = end;
    await flush();
  }

  private earliest(): { id: number; due: number; callback: () => void } | undefined {
    let best: { id: number; due: number; callback: () => void } | undefined;
    for (const [id, timer] of this.timers) if (!best || timer.due < best.due) best = { id, ...timer };
    return best;
  }
}

/** Lets queued promise jobs run: 20 microtask turns, enough for the chains the engine builds. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

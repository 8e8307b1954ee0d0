import type { Clock, TimerHandle } from '@callhook/core';

/**
 * Calls `tick` every `intervalMs` (ms of `clock`, first call one interval after construction) until
 * stopped; `stop()` may be called from inside `tick`, and then nothing is scheduled again. The one
 * repeating schedule of the line: keep-alives, a call's media watch and its quality reports.
 */
export class Every {
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly tick: () => void,
  ) {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      if (this.stopped) return;
      this.tick();
      if (!this.stopped) this.schedule();
    }, this.intervalMs);
  }
}

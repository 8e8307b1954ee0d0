import type { Line, LineEvent } from '@callhook/core';

/** Records a line's events and waits for one matching a predicate, bounded in time. */
export class EventRecorder {
  readonly events: LineEvent[] = [];
  /** When each event was emitted (`performance.now()`, ms): a test's own awaits come later, under load by much. */
  private readonly emittedAt = new Map<LineEvent, number>();
  private waiters: { match: (event: LineEvent) => boolean; resolve: (event: LineEvent) => void }[] = [];

  constructor(line: Line) {
    line.onEvent((event) => {
      this.events.push(event);
      this.emittedAt.set(event, performance.now());
      for (const waiter of [...this.waiters]) {
        if (waiter.match(event)) {
          this.waiters = this.waiters.filter((other) => other !== waiter);
          waiter.resolve(event);
        }
      }
    });
  }

  /** When `event` (one this recorder saw) was emitted, in `performance.now()` ms. */
  timeOf(event: LineEvent): number {
    const at = this.emittedAt.get(event);
    if (at === undefined) throw new Error(`the event ${summary(event)} was not recorded here`);
    return at;
  }

  /** Resolves with the first recorded or future event matching; rejects after `timeoutMs`. */
  waitFor<T extends LineEvent['type']>(
    type: T,
    where: (event: Extract<LineEvent, { type: T }>) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<Extract<LineEvent, { type: T }>> {
    const match = (event: LineEvent): boolean => event.type === type && where(event as Extract<LineEvent, { type: T }>);
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen as Extract<LineEvent, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter.resolve !== done);
        reject(new Error(`no ${type} event within ${timeoutMs} ms; saw ${JSON.stringify(this.events.map(summary))}`));
      }, timeoutMs);
      const done = (event: LineEvent) => {
        clearTimeout(timer);
        resolve(event as Extract<LineEvent, { type: T }>);
      };
      this.waiters.push({ match, resolve: done });
    });
  }

  /**
   * The call-state events seen (of `lineCallId`, or all), in order. Live `quality` reports are left out:
   * they come every RTCP interval while media flows (how many depends on how long the test ran) and
   * change no call state; tests about them read `events`.
   */
  types(lineCallId?: string): string[] {
    return this.events.filter((event) => event.type !== 'quality' && (!lineCallId || ('lineCallId' in event && event.lineCallId === lineCallId))).map(summary);
  }

  clear(): void {
    this.events.length = 0;
  }
}

function summary(event: LineEvent): string {
  if (event.type === 'status') return `status:${event.status.state}`;
  if (event.type === 'ended') return `ended:${event.by}:${event.cause}`;
  if (event.type === 'held' || event.type === 'resumed') return `${event.type}:${event.by}`;
  return event.type;
}

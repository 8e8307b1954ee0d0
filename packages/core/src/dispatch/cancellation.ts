/**
 * How the dispatcher ends a request it stopped waiting for (its per-attempt timeout). A plain object
 * with one listener: on the delivery hot path an AbortController per attempt cost more CPU than the
 * rest of the dispatcher together.
 */
export class Cancellation {
  private listener: ((reason: Error) => void) | null = null;
  private cancelledWith: Error | null = null;

  get reason(): Error | null {
    return this.cancelledWith;
  }

  /** Calls the listener once with `reason`; later calls do nothing. */
  cancel(reason: Error): void {
    if (this.cancelledWith) return;
    this.cancelledWith = reason;
    const listener = this.listener;
    this.listener = null;
    listener?.(reason);
  }

  /** Sets the one listener (a second call replaces the first); called at once if already cancelled. */
  onCancel(listener: (reason: Error) => void): void {
    if (this.cancelledWith) listener(this.cancelledWith);
    else this.listener = listener;
  }
}

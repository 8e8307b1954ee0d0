import type { LineEvent, LineStatus } from './line-events.js';

/**
 * What every `Line` keeps: its listeners and its current status. A listener that throws is handed
 * to `onListenerError` and never reaches the line's own code.
 */
export class LineEventHub {
  private readonly listeners = new Set<(event: LineEvent) => void>();
  private current: LineStatus = { state: 'stopped', detail: 'not started' };

  constructor(private readonly onListenerError: (error: unknown, event: LineEvent) => void = () => undefined) {}

  get status(): LineStatus {
    return this.current;
  }

  setStatus(status: LineStatus): void {
    this.current = status;
    this.emit({ type: 'status', status });
  }

  subscribe(listener: (event: LineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: LineEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }
}

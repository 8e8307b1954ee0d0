import type { ServerResponse } from 'node:http';

/** Bounds on the Server-Sent Events subscribers of one app. */
export interface EventStreamLimits {
  /** Open `/api/v1/events` streams at once; one more is refused with 503. Default 64. */
  maxSubscribers?: number;
  /**
   * Bytes a subscriber may leave unread in the server's write buffer (`writableLength`, after the
   * kernel's socket buffers are full); past it the stream is closed. Default 1 MiB.
   */
  maxBufferedBytes?: number;
}

/** What the streams hold now and have done; for tests and `/metrics`. */
export interface EventStreamStats {
  subscribers: number;
  /** Sum of `writableLength` over open streams, in bytes. */
  bufferedBytes: number;
  /** Largest `writableLength` one stream reached after a write, in bytes. */
  peakBufferedBytes: number;
  /** Streams closed because their reader fell behind. */
  closedSlow: number;
  /** Subscriptions refused because `maxSubscribers` were open. */
  refused: number;
}

export const DEFAULT_MAX_SUBSCRIBERS = 64;
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * The open SSE responses: writes honour back-pressure by bounding what each reader may leave
 * buffered (a reader that never reads is closed, not buffered for), and the number of readers is capped.
 */
export class EventStreams {
  readonly maxSubscribers: number;
  readonly maxBufferedBytes: number;
  private readonly open = new Set<ServerResponse>();
  private peak = 0;
  private closedSlow = 0;
  private refused = 0;

  constructor(limits: EventStreamLimits = {}) {
    this.maxSubscribers = limits.maxSubscribers ?? DEFAULT_MAX_SUBSCRIBERS;
    this.maxBufferedBytes = limits.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  }

  /** Takes a place for a new stream; false (and counted) when all places are taken. */
  admit(): boolean {
    if (this.open.size < this.maxSubscribers) return true;
    this.refused++;
    return false;
  }

  add(res: ServerResponse): void {
    this.open.add(res);
  }

  remove(res: ServerResponse): void {
    this.open.delete(res);
  }

  /**
   * Writes one frame unless the reader has fallen more than `maxBufferedBytes` behind, in which case
   * the stream is closed (the client's EventSource reconnects and starts from the current state).
   * Returns false when the stream is gone.
   */
  write(res: ServerResponse, chunk: string): boolean {
    if (res.destroyed || res.writableEnded) return false;
    if (res.writableLength > this.maxBufferedBytes) {
      this.closedSlow++;
      this.open.delete(res);
      res.destroy();
      return false;
    }
    res.write(chunk);
    if (res.writableLength > this.peak) this.peak = res.writableLength;
    return true;
  }

  stats(): EventStreamStats {
    let bufferedBytes = 0;
    for (const res of this.open) bufferedBytes += res.writableLength;
    return { subscribers: this.open.size, bufferedBytes, peakBufferedBytes: this.peak, closedSlow: this.closedSlow, refused: this.refused };
  }

  /** Ends every stream (server shutdown). */
  endAll(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }
}

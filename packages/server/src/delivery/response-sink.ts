import type { Cancellation } from '@callhook/core';
import type { Dispatcher } from 'undici';

export interface SinkResult {
  status: number;
  location: string | undefined;
  /** The `Retry-After` header as sent (the dispatcher reads it: `retryAfterMs`). */
  retryAfter: string | undefined;
}

/**
 * An undici dispatch handler that keeps the status, `Location` and `Retry-After` and discards the body, reading at
 * most `maxBodyBytes` before dropping the connection. Lighter than `request()`, which builds a
 * Readable per response that a delivery never reads.
 */
export class ResponseSink implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private status = 0;
  private location: string | undefined;
  private retryAfter: string | undefined;
  private received = 0;
  private settled = false;

  constructor(
    private readonly maxBodyBytes: number,
    private readonly cancellation: Cancellation,
    private readonly resolve: (result: SinkResult) => void,
    private readonly reject: (error: Error) => void,
  ) {
    cancellation.onCancel((reason) => {
      this.fail(reason);
      this.controller?.abort(reason);
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // Cancelled while waiting in the pool's queue: end it before it is written.
    if (this.cancellation.reason) controller.abort(this.cancellation.reason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return; // 1xx informational; the final response follows
    this.status = statusCode;
    const location = headers.location;
    this.location = typeof location === 'string' ? location : undefined;
    const retryAfter = headers['retry-after'];
    this.retryAfter = typeof retryAfter === 'string' ? retryAfter : undefined;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.received += chunk.length;
    if (this.received <= this.maxBodyBytes) return;
    this.succeed();
    controller.abort(new Error(`response body over ${this.maxBodyBytes} bytes: connection dropped`));
  }

  onResponseEnd(): void {
    this.succeed();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }

  private succeed(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve({ status: this.status, location: this.location, retryAfter: this.retryAfter });
  }
}

import type { Fetcher } from '../../ports.js';
import type { PendingDelivery } from '../delivery.js';
import type { DeliverySink } from '../delivery-sink.js';

/**
 * The built-in `http` sink: one request through the `Fetcher` port (the delivery id as its
 * Idempotency-Key, the same on every attempt). 2xx is delivered; 408, 429 and 5xx may be retried
 * (`isRetryableStatus`), honouring the receiver's `Retry-After`; other statuses are final. 414 and
 * 431 say how long the URL was and what fixes it (`httpErrorMessage`).
 */
export function httpSink(fetcher: Fetcher): DeliverySink {
  return {
    mode: 'http',
    async deliver(delivery, cancellation) {
      const response = await fetcher.fetch({
        url: delivery.url,
        method: delivery.method,
        headers: { ...delivery.headers, 'Idempotency-Key': delivery.id },
        body: delivery.body ?? undefined,
        cancellation,
        signingSecret: delivery.signingSecret,
      });
      const ok = response.status >= 200 && response.status < 300;
      return {
        outcome: ok ? 'delivered' : 'http_error',
        status: response.status,
        error: ok ? null : httpErrorMessage(response.status, delivery),
        retryable: !ok && isRetryableStatus(response.status),
        retryAfter: response.retryAfter ?? null,
      };
    },
  };
}

/**
 * Whether a receiver's answer may change if asked again: 408 (request timeout), 429 (too many
 * requests) and every 5xx (the receiver or a proxy before it is down or overloaded). Any other 4xx
 * says the request itself is wrong (404, 401, 414 …) and is final: asking again gets the same answer.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/**
 * The error of a delivery the receiver refused with `status`. For 414 (URI too long) and 431
 * (request header fields too large) it says how long the URL was and what fixes it: receivers cap
 * their request line and headers, and a long caller name can push an expanded URL past the cap.
 */
export function httpErrorMessage(status: number, delivery: Pick<PendingDelivery, 'url' | 'method' | 'headers'>): string {
  const what = status === 414 ? 'URI too long' : status === 431 ? 'request header fields too large' : null;
  if (what === null) return `receiver answered ${status}`;
  const headerChars = Object.entries(delivery.headers).reduce((sum, [name, value]) => sum + name.length + value.length, 0);
  const headers = status === 431 && headerChars > 0 ? ` and the slot's own headers ${headerChars}` : '';
  const body =
    delivery.method === 'POST'
      ? 'keep the values in the POST body (the call event is sent there) and out of the URL'
      : 'move values to a POST body (method "POST" sends the call event as JSON)';
  return `receiver answered ${status}: ${what} — the URL is ${delivery.url.length} characters${headers}; lower the slot's maxValueLength or ${body}`;
}

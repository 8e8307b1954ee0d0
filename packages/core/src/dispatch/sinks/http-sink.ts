import type { Fetcher } from '../../ports.js';
import type { DeliverySink } from '../delivery-sink.js';

/**
 * The built-in `http` sink: one request through the `Fetcher` port (the delivery id as its
 * Idempotency-Key). 2xx is delivered; 408, 429 and 5xx may be retried; other statuses are final.
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
        error: ok ? null : `receiver answered ${response.status}`,
        retryable: !ok && (response.status >= 500 || response.status === 429 || response.status === 408),
      };
    },
  };
}

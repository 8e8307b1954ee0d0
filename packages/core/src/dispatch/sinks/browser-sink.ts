import type { BrowserOpener } from '../../ports.js';
import type { DeliverySink } from '../delivery-sink.js';

/** The built-in `browser` sink: opens the URL in the user's browser once; a failure is final (no retry). */
export function browserSink(browser: BrowserOpener): DeliverySink {
  return {
    mode: 'browser',
    async deliver(delivery) {
      try {
        await browser.open(delivery.url);
        return { outcome: 'opened', status: null, error: null, retryable: false };
      } catch (error) {
        return { outcome: 'network_error', status: null, error: error instanceof Error ? error.message : String(error), retryable: false };
      }
    },
  };
}

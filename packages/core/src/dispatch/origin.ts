import type { PendingDelivery } from './delivery.js';

/** The lane group of browser slots: they share the desktop's browser, not a receiver. */
export const BROWSER_ORIGIN = 'browser:';

/**
 * The receiver a delivery goes to, as the dispatcher groups them for per-origin limits: the URL's
 * origin (`scheme://host[:port]`, default ports left out, host lowercased) for the `http` sink,
 * `<mode>:` for every other sink (`browser:`: they share one browser, not a receiver), and the whole
 * URL when it has no origin (it will fail on its own).
 */
export function originOf(delivery: Pick<PendingDelivery, 'url' | 'mode'>): string {
  if (delivery.mode !== 'http') return `${delivery.mode}:`;
  try {
    const origin = new URL(delivery.url).origin;
    return origin === 'null' ? delivery.url : origin;
  } catch {
    return delivery.url;
  }
}

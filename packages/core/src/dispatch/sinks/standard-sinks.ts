import type { BrowserOpener, Fetcher } from '../../ports.js';
import type { DeliverySink } from '../delivery-sink.js';
import { browserSink } from './browser-sink.js';
import { httpSink } from './http-sink.js';

/** The modes of the built-in sinks, for settings validation when an edition lists no others. */
export const STANDARD_SINK_MODES: readonly string[] = ['http', 'browser'];

/** The two built-in sinks every edition has: `http` over `fetcher`, `browser` over `browser`. */
export function standardSinks(ports: { fetcher: Fetcher; browser: BrowserOpener }): DeliverySink[] {
  return [httpSink(ports.fetcher), browserSink(ports.browser)];
}

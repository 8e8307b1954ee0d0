import { SimulatedClock } from '@callhook/test-support';
import { Dispatcher, standardSinks, type DeliveryRecord, type DispatcherOptions, type FetchRequest, type FetchResponse } from '../../src/index.js';
import { RecordingBrowser, RecordingFetcher } from './fakes.js';
import { MemoryJournal } from './memory-journal.js';

export type DispatcherFixtureOptions = Pick<
  DispatcherOptions,
  'maxQueued' | 'maxQueuedPerOrigin' | 'concurrency' | 'concurrencyPerOrigin' | 'resumePageSize' | 'random'
> & {
  /** Run the dispatcher without a journal (the fixture's `journal` is then not used). */
  noJournal?: boolean;
};

/**
 * A Dispatcher on a simulated clock with recording fetcher and browser sinks and a memory journal;
 * `respond` answers the fetcher (200 unless given), `records` collects every delivery record.
 */
export function dispatcherFixture(respond?: (request: FetchRequest) => Promise<FetchResponse>, options: DispatcherFixtureOptions = {}) {
  const clock = new SimulatedClock();
  const fetcher = new RecordingFetcher(respond);
  const browser = new RecordingBrowser();
  const journal = new MemoryJournal();
  const { noJournal, ...rest } = options;
  const dispatcher = new Dispatcher({ sinks: standardSinks({ fetcher, browser }), clock, journal: noJournal ? undefined : journal, ...rest });
  const records: DeliveryRecord[] = [];
  dispatcher.onRecord((record) => records.push(record));
  return { clock, fetcher, browser, journal, dispatcher, records };
}

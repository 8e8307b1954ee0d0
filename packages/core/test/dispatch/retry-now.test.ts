import { describe, expect, it } from 'vitest';
import { Dispatcher, standardSinks, type DeliveryRecord } from '../../src/index.js';
import { SimulatedClock } from '@callhook/test-support';
import { delivery } from '../support/deliveries.js';
import { RecordingBrowser, RecordingFetcher } from '../support/fakes.js';
import { MemoryJournal } from '../support/memory-journal.js';

describe('retryNow', () => {
  it("ends the back-off of one sink's deliveries at once, and leaves other sinks' back-offs alone", async () => {
    const clock = new SimulatedClock();
    const start = clock.now();
    let down = true;
    const fetcher = new RecordingFetcher(async () => ({ status: down ? 503 : 200 }));
    const dispatcher = new Dispatcher({ sinks: standardSinks({ fetcher, browser: new RecordingBrowser() }), clock, journal: new MemoryJournal() });
    const records: DeliveryRecord[] = [];
    dispatcher.onRecord((record) => records.push(record));
    const retries = { max: 5, backoffMs: 60_000 };
    dispatcher.submit(delivery({ callGuid: 'a', url: 'http://crm.test/a', retries }));
    await clock.advance(0);
    expect(records).toHaveLength(1); // failed once, now sleeping a 60 s back-off
    down = false;

    dispatcher.retryNow('browser'); // another sink: nothing changes
    await clock.advance(0);
    expect(records).toHaveLength(1);

    dispatcher.retryNow('http');
    await clock.advance(0);
    expect(records.map((record) => record.outcome)).toEqual(['http_error', 'delivered']);
    expect(clock.now()).toBe(start); // not a millisecond of the back-off was waited
  });
});

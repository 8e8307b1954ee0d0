import { describe, expect, it } from 'vitest';
import { delivery } from '../support/deliveries.js';
import { dispatcherFixture } from '../support/dispatcher-fixture.js';

describe('retryNow', () => {
  it("ends the back-off of one sink's deliveries at once, and leaves other sinks' back-offs alone", async () => {
    let down = true;
    const { clock, dispatcher, records } = dispatcherFixture(async () => ({ status: down ? 503 : 200 }));
    const start = clock.now();
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

import { describe, expect, it } from 'vitest';
import { Dispatcher, httpErrorMessage, longestDeliveryMs, MAX_RETRY_AFTER_MS } from '../../src/index.js';
import { standardSinks } from '../../src/index.js';
import { delivery } from '../support/deliveries.js';
import { dispatcherFixture } from '../support/dispatcher-fixture.js';
import { hang, RecordingBrowser } from '../support/fakes.js';

describe('dispatcher', () => {
  it("sends one call's deliveries to a receiver in order, one at a time", async () => {
    const resolvers: (() => void)[] = [];
    const { dispatcher, fetcher, clock } = dispatcherFixture(() => new Promise((resolve) => resolvers.push(() => resolve({ status: 200 }))));
    const first = delivery({ action: 'inbound' });
    const second = delivery({ action: 'disconnected' });
    dispatcher.submit(first);
    dispatcher.submit(second);
    await clock.advance(0);
    expect(fetcher.urls()).toEqual([first.url]);
    resolvers.shift()!();
    await clock.advance(0);
    expect(fetcher.urls()).toEqual([first.url, second.url]);
  });

  it("keeps one call's order at one receiver across slots: disconnected (slot 1) waits for connected (slot 0)", async () => {
    const resolvers: (() => void)[] = [];
    const { dispatcher, fetcher, clock } = dispatcherFixture(() => new Promise((resolve) => resolvers.push(() => resolve({ status: 200 }))));
    const connected = delivery({ action: 'connected', slot: 0, url: 'http://crm.test/connected' });
    const disconnected = delivery({ action: 'disconnected', slot: 1, url: 'http://CRM.test:80/disconnected' });
    const elsewhere = delivery({ action: 'disconnected', slot: 2, url: 'http://audit.test/disconnected' });
    dispatcher.submit(connected);
    dispatcher.submit(disconnected);
    dispatcher.submit(elsewhere);
    await clock.advance(0);
    // Another receiver is not held up by this one.
    expect(fetcher.urls()).toEqual([connected.url, elsewhere.url]);
    resolvers.shift()!();
    await clock.advance(0);
    expect(fetcher.urls()).toEqual([connected.url, elsewhere.url, disconnected.url]);
  });

  it('a hanging receiver holds up only its own lane, and times out', async () => {
    const { dispatcher, fetcher, clock, records } = dispatcherFixture((r) => (r.url.includes('slow') ? hang(r) : Promise.resolve({ status: 200 })));
    dispatcher.submit(delivery({ callGuid: 'a', url: 'http://slow.test/', timeoutMs: 5_000 }));
    dispatcher.submit(delivery({ callGuid: 'b', url: 'http://fast.test/1' }));
    dispatcher.submit(delivery({ callGuid: 'a', slot: 1, url: 'http://fast.test/2' }));
    await clock.advance(0);
    expect(records.filter((r) => r.outcome === 'delivered').map((r) => r.url)).toEqual(['http://fast.test/1', 'http://fast.test/2']);
    await clock.advance(5_000);
    expect(records.find((r) => r.url === 'http://slow.test/')).toMatchObject({ outcome: 'timeout', latencyMs: 5_000, final: true });
    expect(fetcher.requests).toHaveLength(3);
  });

  it('retries with exponential backoff and records every attempt', async () => {
    const statuses = [503, 503, 200];
    const { dispatcher, clock, records, fetcher } = dispatcherFixture(async () => ({ status: statuses.shift()! }));
    dispatcher.submit(delivery({ retries: { max: 3, backoffMs: 100 } }));
    await clock.advance(0);
    expect(fetcher.requests).toHaveLength(1);
    await clock.advance(99);
    expect(fetcher.requests).toHaveLength(1);
    await clock.advance(1);
    expect(fetcher.requests).toHaveLength(2);
    await clock.advance(200);
    expect(records.map((r) => [r.attempt, r.outcome, r.status, r.final])).toEqual([
      [1, 'http_error', 503, false],
      [2, 'http_error', 503, false],
      [3, 'delivered', 200, true],
    ]);
  });

  it('does not retry a 4xx the receiver will keep answering', async () => {
    const { dispatcher, clock, records } = dispatcherFixture(async () => ({ status: 404 }));
    dispatcher.submit(delivery({ retries: { max: 3, backoffMs: 10 } }));
    await clock.advance(1_000);
    expect(records.map((r) => [r.outcome, r.status, r.final])).toEqual([['http_error', 404, true]]);
  });

  it('says the URL is too long, how long, and the fix, when the receiver answers 414 or 431, without retrying', async () => {
    const long = `http://receiver.test/hook?name=${'x'.repeat(6_000)}`;
    const { dispatcher, clock, records, fetcher } = dispatcherFixture(async (r) => ({ status: r.url.includes('uri') ? 414 : 431 }));
    dispatcher.submit(delivery({ callGuid: 'a', url: long, retries: { max: 3, backoffMs: 10 } }));
    dispatcher.submit(delivery({ callGuid: 'b', url: `http://receiver.test/uri?${'y'.repeat(100)}`, retries: { max: 3, backoffMs: 10 } }));
    dispatcher.submit(delivery({ callGuid: 'c', url: long, method: 'POST', headers: { 'X-Crm': 'abc' } }));
    await clock.advance(1_000);
    expect(fetcher.requests).toHaveLength(3);
    const byCall = Object.fromEntries(records.map((r) => [r.callGuid, r]));
    expect(byCall.a).toMatchObject({ outcome: 'http_error', status: 431, final: true });
    expect(byCall.a!.error).toBe(
      `receiver answered 431: request header fields too large — the URL is ${long.length} characters; lower the slot's maxValueLength or move values to a POST body (method "POST" sends the call event as JSON)`,
    );
    expect(byCall.b!.error).toBe(
      `receiver answered 414: URI too long — the URL is ${'http://receiver.test/uri?'.length + 100} characters; lower the slot's maxValueLength or move values to a POST body (method "POST" sends the call event as JSON)`,
    );
    // A POST slot already sends the event in its body; its own headers count towards 431 too.
    expect(byCall.c!.error).toContain(
      `the URL is ${long.length} characters and the slot's own headers 8; lower the slot's maxValueLength or keep the values in the POST body`,
    );
  });

  it('keeps other refusals short', () => {
    expect(httpErrorMessage(404, delivery())).toBe('receiver answered 404');
    expect(httpErrorMessage(503, delivery())).toBe('receiver answered 503');
  });

  it('sends the Idempotency-Key and records network errors', async () => {
    const { dispatcher, clock, records, fetcher } = dispatcherFixture(async () => {
      throw new Error('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    });
    const d = delivery();
    dispatcher.submit(d);
    await clock.advance(0);
    expect(fetcher.requests[0]!.headers['Idempotency-Key']).toBe(d.id);
    expect(records[0]).toMatchObject({ outcome: 'network_error', error: 'fetch failed: connect ECONNREFUSED 127.0.0.1:9' });
  });

  it('masks a credential an error quotes before the delivery log and the log lines get it', async () => {
    const { dispatcher, clock, records } = dispatcherFixture(async () => {
      throw new Error('redirect refused', { cause: new Error('to http://bob:s3cret-pass@other.example/ with Authorization: Bearer abc.def') });
    });
    dispatcher.submit(delivery());
    await clock.advance(0);
    expect(records[0]!.error).toBe('redirect refused: to http://bob:***@other.example/ with Authorization: Bearer ***');
  });

  it('without a journal to park in, bounds its queue and records each drop', async () => {
    const { dispatcher, clock, records } = dispatcherFixture((r) => hang(r), { maxQueued: 2, maxQueuedPerOrigin: 2, concurrency: 1, noJournal: true });
    const results = Array.from({ length: 5 }, (_, i) => dispatcher.submit(delivery({ callGuid: `c${i}` })));
    await clock.advance(0);
    expect(results).toEqual([true, true, true, false, false]);
    expect(records.filter((r) => r.outcome === 'dropped')).toHaveLength(2);
    expect(dispatcher.stats()).toMatchObject({ dropped: 2, inFlight: 1, queued: 2 });
  });

  it('opens browser slots instead of fetching', async () => {
    const { dispatcher, clock, browser, records } = dispatcherFixture();
    dispatcher.submit(delivery({ mode: 'browser', url: 'http://crm.test/?n=420' }));
    await clock.advance(0);
    expect(browser.opened).toEqual(['http://crm.test/?n=420']);
    expect(records[0]!.outcome).toBe('opened');
  });

  it('journals each delivery before it is attempted and clears it when done', async () => {
    let release!: () => void;
    const { dispatcher, clock, journal } = dispatcherFixture(() => new Promise((resolve) => (release = () => resolve({ status: 200 }))));
    const d = delivery();
    dispatcher.submit(d);
    await clock.advance(0);
    expect(journal.pending().map((p) => p.id)).toEqual([d.id]);
    release();
    await clock.advance(0);
    expect(journal.pending()).toEqual([]);
    expect(journal.deliveries).toHaveLength(1);
  });

  it('waits for a background journal to make the outbox entry durable before the first attempt', async () => {
    const { dispatcher, clock, journal, fetcher } = dispatcherFixture();
    let durable!: () => void;
    const asked: string[] = [];
    journal.outboxDurable = (id) => {
      asked.push(id);
      return new Promise<void>((resolve) => (durable = resolve));
    };
    const d = delivery();
    dispatcher.submit(d);
    await clock.advance(0);
    expect(asked).toEqual([d.id]);
    expect(fetcher.requests).toHaveLength(0);
    durable();
    await clock.advance(0);
    expect(fetcher.urls()).toEqual([d.url]);
  });

  it('still sends when the journal cannot make the entry durable, and says so', async () => {
    const logged: string[] = [];
    const { clock, journal, fetcher } = dispatcherFixture();
    const withLogger = new Dispatcher({
      sinks: standardSinks({ fetcher, browser: new RecordingBrowser() }),
      clock,
      journal,
      logger: { log: (_level, message) => logged.push(message) },
    });
    journal.outboxDurable = () => Promise.reject(new Error('disk full'));
    withLogger.submit(delivery());
    await clock.advance(0);
    expect(fetcher.requests).toHaveLength(1);
    expect(logged).toEqual(['delivery sent without a durable outbox entry: disk full']);
  });

  it('drain waits for deliveries in flight, bounded by its timeout', async () => {
    const { dispatcher, clock } = dispatcherFixture((r) => hang(r));
    dispatcher.submit(delivery({ timeoutMs: 60_000 }));
    const drained = dispatcher.drain(1_000);
    await clock.advance(1_000);
    expect(await drained).toBe(false);
  });
});

describe('longestDeliveryMs', () => {
  it("adds every attempt's timeout and, per retry, the longest wait: the back-off with +20 % jitter or a Retry-After of up to 10 minutes", () => {
    expect(longestDeliveryMs({ timeoutMs: 100, retries: { max: 0, backoffMs: 1_000 } })).toBe(100);
    expect(longestDeliveryMs({ timeoutMs: 100, retries: { max: 3, backoffMs: 10 } })).toBe(400 + 3 * MAX_RETRY_AFTER_MS);
    expect(longestDeliveryMs({ timeoutMs: 1, retries: { max: 2, backoffMs: 600_000 } })).toBe(3 + 600_000 * 1.2 + 1_200_000 * 1.2);
    expect(longestDeliveryMs({ timeoutMs: 1, retries: { max: 2, backoffMs: 600_000, maxBackoffMs: 60_000 } })).toBe(3 + 2 * 600_000 * 1.2);
  });
});

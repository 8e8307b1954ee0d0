import { SlotSchema } from '@callhook/core';
import { SPEC_EXAMPLE_CALL as SAMPLE_CALL } from '@callhook/core';
import { describe, expect, it } from 'vitest';
import { deliverOnce, needsRestart, replayDelivery, testSlot } from '../../src/index.js';
import { FakeSink, recordFor } from '../support/fake-sink.js';
import { pendingDelivery } from '../support/pending-delivery.js';

const pending = () => pendingDelivery('http://127.0.0.1:9/in?n=420', { timeoutMs: 100 });

const slot = (patch: object = {}) => SlotSchema.parse({ on: 'hold', url: 'http://127.0.0.1:9/t?n=<$remote_party>&a=<$action>', ...patch });

describe('testSlot', () => {
  it('expands the slot for the chosen event and delivers it once through the dispatcher', async () => {
    const sink = new FakeSink();
    const record = await testSlot(sink, { slot: slot({ active: false }), action: 'inbound', call: SAMPLE_CALL }, 1_000);
    expect(sink.submitted).toHaveLength(1);
    expect(sink.submitted[0]).toMatchObject({
      id: expect.stringMatching(/^test:inbound:0:rs-\d+$/),
      url: 'http://127.0.0.1:9/t?n=420&a=inbound',
      mode: 'http',
      method: 'GET',
      retries: { max: 0 }, // a test is one attempt, whatever the slot's retries (8 by default)
    });
    expect(record).toMatchObject({ outcome: 'delivered', status: 200 });
    expect(sink.listenerCount).toBe(0);
  });

  it('gives two tests started in the same millisecond different ids', async () => {
    const sink = new FakeSink();
    const test = { slot: slot(), action: 'inbound' as const, call: SAMPLE_CALL };
    await Promise.all([testSlot(sink, test, 1_000), testSlot(sink, test, 1_000)]);
    expect(new Set(sink.submitted.map((d) => d.id)).size).toBe(2);
  });

  it('refuses a slot whose template does not compile', () => {
    expect(() => testSlot(new FakeSink(), { slot: slot({ url: 'http://h/?x=<$nope>' }), action: 'inbound', call: SAMPLE_CALL }, 1)).toThrow(
      /unknown placeholder/,
    );
  });
});

describe('deliverOnce', () => {
  it('waits past retries for the final record', async () => {
    const sink = new FakeSink((d) => [recordFor(d, { attempt: 1, final: false, outcome: 'timeout' }), recordFor(d, { attempt: 2, status: 204 })]);
    const delivery = { ...pending(), retries: { max: 1, backoffMs: 10 } };
    await expect(deliverOnce(sink, delivery, 1_000)).resolves.toMatchObject({ attempt: 2, status: 204, final: true });
  });

  it('gives up after its deadline', async () => {
    const sink = new FakeSink(() => []);
    await expect(deliverOnce(sink, pending(), 20)).rejects.toThrow('no result within 20 ms');
    expect(sink.listenerCount).toBe(0);
  });
});

describe('replayDelivery', () => {
  it('sends the logged URL again with the slot’s current headers', async () => {
    const sink = new FakeSink();
    const logged = recordFor(pending(), { outcome: 'http_error', status: 500 });
    await replayDelivery(sink, logged, slot({ headers: { 'X-Crm': '1' } }), 50);
    expect(sink.submitted[0]).toMatchObject({
      id: expect.stringMatching(new RegExp(`^${logged.deliveryId}:replay:1e-\\d+$`)),
      url: logged.url,
      method: 'GET',
      headers: { 'X-Crm': '1' },
    });
  });

  it('refuses a POST slot, whose body the log does not keep', () => {
    const logged = recordFor({ id: 'd', callGuid: 'g', action: 'inbound', slot: 0, url: 'http://h/', mode: 'http' } as never);
    expect(() => replayDelivery(new FakeSink(), logged, slot({ method: 'POST' }), 1)).toThrow(/Action URL 1 is a POST slot/);
  });
});

describe('needsRestart', () => {
  const base = { inbound: { enabled: true, port: 61234, listen: ['127.0.0.1'] }, line: { type: 'simulator' } };
  const variant = (inbound: object, line: object = base.line) => ({ inbound: { ...base.inbound, ...inbound }, line }) as never;
  it.each([
    ['nothing the listener binds', variant({}), false],
    ['the port', variant({ port: 61235 }), true],
    ['the listen addresses', variant({ listen: ['127.0.0.1', '::1'] }), true],
    ['the listener switch', variant({ enabled: false }), true],
  ])('changing %s → %s', (_what, after, restart) => {
    expect(needsRestart(base as never, after)).toBe(restart);
  });
});

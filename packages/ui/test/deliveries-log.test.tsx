import { render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../src/app/app.js';
import { toCsv } from '../src/components/export-file.js';
import { DELIVERY_COLUMNS, filterDeliveries, NO_FILTER, pageOf, shortUrl } from '../src/pages/deliveries/delivery-filter.js';
import { FakeClient, record } from './support/fake-client.js';

describe('delivery log filters', () => {
  const records = [
    record({ deliveryId: 'a:inbound:0:1', callGuid: 'a', slot: 0, outcome: 'delivered', at: 3 }),
    record({
      deliveryId: 'b:connected:1:1',
      callGuid: 'b',
      slot: 1,
      action: 'connected',
      outcome: 'timeout',
      status: null,
      error: 'no answer in 5000 ms',
      at: 2,
    }),
    record({ deliveryId: 'test:inbound:1:x', callGuid: 'test:g', slot: 1, outcome: 'http_error', status: 503, at: 1 }),
  ];
  const ids = (filter: Partial<typeof NO_FILTER>) => filterDeliveries(records, { ...NO_FILTER, ...filter }).map((r) => r.deliveryId);

  it('by outcome, slot, event, call, tests and search', () => {
    expect(ids({})).toHaveLength(3);
    expect(ids({ outcome: 'failed' })).toEqual(['b:connected:1:1', 'test:inbound:1:x']);
    expect(ids({ outcome: 'good' })).toEqual(['a:inbound:0:1']);
    expect(ids({ slot: 1, hideTests: true })).toEqual(['b:connected:1:1']);
    expect(ids({ action: 'inbound' })).toEqual(['a:inbound:0:1', 'test:inbound:1:x']);
    expect(ids({ call: 'a' })).toEqual(['a:inbound:0:1']);
    expect(ids({ search: '503' })).toEqual(['test:inbound:1:x']);
    expect(ids({ search: 'NO ANSWER' })).toEqual(['b:connected:1:1']);
  });

  it('pages, shortens long URLs in the middle, and exports CSV with quoting', () => {
    expect(pageOf([1, 2, 3, 4, 5], 2, 2)).toEqual({ items: [3, 4], page: 2, pages: 3 });
    expect(pageOf([1, 2, 3], 9, 2)).toEqual({ items: [3], page: 2, pages: 2 });
    const long = `https://crm.example.com/hook?${'x'.repeat(100)}&end=1`;
    const short = shortUrl(long, 40);
    expect(short).toHaveLength(40);
    expect(short.startsWith('https://crm.example.com')).toBe(true);
    expect(short.endsWith('&end=1')).toBe(true);
    const csv = toCsv([record({ error: 'said "no", twice', slot: 2 })], DELIVERY_COLUMNS);
    const [header, row] = csv.split('\r\n');
    expect(header).toBe('time,slot,test,action,call,url,mode,attempt,final,outcome,status,latency_ms,error,delivery_id');
    expect(row).toContain(',3,false,inbound,g,');
    expect(row).toContain(',"said ""no"", twice",');
  });
});

describe('Deliveries page', () => {
  it('filters failed ones, marks tests with their slot, pages beyond 50 and loads older records', async () => {
    const user = userEvent.setup();
    const client = new FakeClient();
    client.deliveries = Array.from({ length: 60 }, (_, i) =>
      record({ deliveryId: `c${i}:inbound:0:1`, callGuid: `c${i}`, at: 1_700_000_000_000 + i, outcome: i % 2 ? 'delivered' : 'network_error' }),
    );
    client.deliveries.push(record({ deliveryId: 'test:connected:2:x', callGuid: 'test:g', slot: 2, action: 'connected', at: 1_800_000_000_000 }));
    window.location.hash = '#deliveries';
    render(<App client={client} />);
    await screen.findByText('61 of 61 deliveries');
    const firstRow = screen.getAllByRole('row')[1]!;
    expect(within(firstRow).getByRole('cell', { name: /^3\s*test$/ })).toBeTruthy();
    expect(screen.getByText('Page 1 of 2')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Older' }));
    expect(screen.getByText('Page 2 of 2')).toBeTruthy();
    expect(screen.getAllByRole('row')).toHaveLength(1 + 11);

    await user.selectOptions(screen.getByLabelText('Outcome'), 'failed');
    expect(screen.getByText('30 of 61 deliveries')).toBeTruthy();
    expect(screen.queryByText(/^Page/)).toBeNull();
    await user.type(screen.getByRole('searchbox'), 'c58');
    expect(screen.getByText('1 of 61 deliveries')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Load older' }));
    expect(client.deliveryQueries).toEqual([{ limit: 1000 }]);
  });
});

import { act, render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../src/app/app.js';
import { call, FakeClient, record } from './support/fake-client.js';

describe('Calls and Deliveries in the App shell', () => {
  it('answers, holds, transfers and hangs up live calls', async () => {
    const user = userEvent.setup();
    const client = new FakeClient();
    window.location.hash = '#calls';
    render(<App client={client} />);
    await screen.findByText('Line ready');
    act(() => client.emit({ type: 'call', action: 'inbound', call: call(), at: 1 }));
    await user.click(await screen.findByRole('button', { name: 'Answer call from "Michael D785" (420)' }));
    expect(client.commands).toEqual([{ action: 'answer', call: call().guid }]);

    act(() => client.emit({ type: 'call', action: 'connected', call: call({ state: 'connected', connectedAt: new Date().toISOString() }), at: 2 }));
    await user.click(await screen.findByRole('button', { name: 'Hold call with "Michael D785" (420)' }));
    await user.type(screen.getByLabelText('Transfer "Michael D785" (420) to'), '200');
    await user.click(screen.getByRole('button', { name: 'Transfer' }));
    await user.click(screen.getByRole('button', { name: 'Hang up call with "Michael D785" (420)' }));
    expect(client.commands.slice(1)).toEqual([
      { action: 'hold', call: call().guid },
      { action: 'transfer', target: '200', call: call().guid },
      { action: 'hangup', call: call().guid },
    ]);

    act(() => client.emit({ type: 'call', action: 'disconnected', call: call({ state: 'ended', disposition: 'missed' }), at: 3 }));
    expect(await screen.findByRole('cell', { name: 'missed' })).toBeTruthy();
  });

  it('shows a live call its MOS, loss %, jitter and RTT, updated with each quality event', async () => {
    const client = new FakeClient();
    window.location.hash = '#calls';
    render(<App client={client} />);
    await screen.findByText('Line ready');
    const connected = call({ state: 'connected', connectedAt: new Date().toISOString() });
    act(() => client.emit({ type: 'call', action: 'connected', call: connected, at: 1 }));
    expect(await screen.findByRole('columnheader', { name: 'Quality' })).toBeTruthy();
    const row = (await screen.findByRole('button', { name: 'Hang up call with "Michael D785" (420)' })).closest('tr')!;
    const qualityCell = () => row.querySelector('td[data-label="Quality"]')!.textContent;
    expect(qualityCell()).toBe('—');

    const quality = { packetsLost: 2, packetsReceived: 498, jitterMs: 3.14, rttMs: 14.4, mos: 4.381, codec: 'PCMU' };
    act(() => client.emit({ type: 'quality', call: { ...connected, quality }, at: 2 }));
    expect(qualityCell()).toBe('MOS 4.38 · loss 0.4 % · jitter 3.1 ms · RTT 14 ms');

    act(() =>
      client.emit({ type: 'quality', call: { ...connected, quality: { ...quality, packetsLost: 50, packetsReceived: 950, rttMs: null, mos: 3.2 } }, at: 3 }),
    );
    expect(qualityCell()).toBe('MOS 3.20 · loss 5.0 % · jitter 3.1 ms · RTT –');
  });

  it('dials from the keypad', async () => {
    const user = userEvent.setup();
    const client = new FakeClient();
    window.location.hash = '#calls';
    render(<App client={client} />);
    for (const digit of ['1', '2', '3']) await user.click(await screen.findByRole('button', { name: `Digit ${digit}` }));
    await user.click(screen.getByRole('button', { name: 'Call' }));
    expect(client.commands).toEqual([{ action: 'make_call', target: '123', force: false }]);
  });

  it('lists deliveries with status, latency and error, and replays one', async () => {
    const user = userEvent.setup();
    const client = new FakeClient();
    client.deliveries = [record({ outcome: 'http_error', status: 500, error: 'HTTP 500', latencyMs: 40 })];
    window.location.hash = '#deliveries';
    render(<App client={client} />);
    expect(await screen.findByRole('cell', { name: 'http error' })).toBeTruthy();
    expect(screen.getByRole('cell', { name: '40 ms' })).toBeTruthy();
    expect(screen.getByRole('cell', { name: 'HTTP 500' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: /Replay delivery of Action URL 1/ }));
    expect(client.replays).toEqual(['g:inbound:0:1']);
    expect(await screen.findByText('Replayed Action URL 1: delivered')).toBeTruthy();
  });

  it('keeps the line status visible on every page', async () => {
    const client = new FakeClient();
    window.location.hash = '#inbound';
    render(<App client={client} />);
    await screen.findByText('Line ready');
    act(() => client.emit({ type: 'line', lineId: 'default', status: { state: 'unregistered', detail: '401 from registrar' } }));
    expect(screen.getByRole('status', { name: 'Line status' }).textContent).toContain('Not registered — 401 from registrar');
  });
});

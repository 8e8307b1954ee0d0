import { act, render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../src/app/app.js';
import { toCsv } from '../src/components/export-file.js';
import { callerName } from '../src/pages/calls/call-format.js';
import { CALL_COLUMNS } from '../src/pages/calls/call-history.js';
import { call, FakeClient } from './support/fake-client.js';

describe('caller names', () => {
  it('shows the display name without quotes and number; a bare number has no name', () => {
    expect(callerName({ remoteAlias: '"Anna Schmidt" (420)', remoteParty: '420' })).toBe('Anna Schmidt');
    expect(callerName({ remoteAlias: '420', remoteParty: '420' })).toBeNull();
    expect(callerName({ remoteAlias: '""', remoteParty: '420' })).toBeNull();
    expect(callerName({ remoteAlias: 'Reception', remoteParty: '100' })).toBe('Reception');
  });
});

describe('in-call controls and the call history', () => {
  it('sends tones from the in-call keypad and labels hold and unhold by what they do', async () => {
    const user = userEvent.setup();
    const client = new FakeClient();
    window.location.hash = '#calls';
    render(<App client={client} />);
    await screen.findByText('Line ready');
    const connected = call({ state: 'connected', connectedAt: new Date().toISOString(), remoteAlias: '"Anna Schmidt" (420)' });
    act(() => client.emit({ type: 'call', action: 'connected', call: connected, at: 1 }));
    expect(await screen.findByRole('cell', { name: 'Anna Schmidt 420' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Keypad for call with "Anna Schmidt" (420)' }));
    for (const key of ['4', '#']) await user.click(screen.getByRole('button', { name: `Tone ${key}` }));
    expect(client.commands).toEqual([
      { action: 'dtmf', digits: '4', call: connected.guid },
      { action: 'dtmf', digits: '#', call: connected.guid },
    ]);
    expect(screen.queryByRole('button', { name: /^Unhold/ })).toBeNull();
    act(() => client.emit({ type: 'call', action: 'hold', call: { ...connected, state: 'held', holdState: 'on_hold' }, at: 2 }));
    await user.click(await screen.findByRole('button', { name: 'Unhold call with "Anna Schmidt" (420)' }));
    expect(client.commands.at(-1)).toEqual({ action: 'unhold', call: connected.guid });
    expect(screen.queryByRole('button', { name: /^Hold call/ })).toBeNull();
  });

  it('counts and filters missed calls, and calls back on the same line', async () => {
    const user = userEvent.setup();
    const client = new FakeClient();
    client.recent = [
      call({ guid: 'g1', state: 'ended', disposition: 'missed', remoteParty: '420', remoteAlias: '"Anna Schmidt" (420)', lineId: 'desk' }),
      call({ guid: 'g2', state: 'ended', disposition: 'answered', remoteParty: '555', remoteAlias: '555' }),
      call({ guid: 'g3', state: 'ended', disposition: 'missed', remoteParty: '777', remoteAlias: '777' }),
    ];
    window.location.hash = '#calls';
    render(<App client={client} />);
    expect(await screen.findByText('2 missed calls')).toBeTruthy();
    expect(screen.getAllByRole('button', { name: /^Call back/ })).toHaveLength(3);
    await user.click(screen.getByLabelText('Missed calls only'));
    expect(screen.getAllByRole('button', { name: /^Call back/ })).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: 'Call back Anna Schmidt (420)' }));
    expect(client.commands).toEqual([{ action: 'make_call', target: '420', force: false, line: 'desk' }]);
  });

  it('exports the history with names apart from numbers', () => {
    const csv = toCsv([call({ remoteAlias: '"Schmidt, Anna" (420)', disposition: 'missed', state: 'ended' })], CALL_COLUMNS);
    expect(csv.split('\r\n')[1]).toMatch(/^2022-02-13T17:43:50.000Z,inbound,420,"Schmidt, Anna",missed,/);
  });
});

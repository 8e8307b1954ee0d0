import { act, render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../src/app/app.js';
import { InboundPage } from '../src/pages/inbound/inbound-page.js';
import { FakeClient } from './support/fake-client.js';

describe('many lines in the console', () => {
  it("shows every line's status and dials on the line picked in the dial pad", async () => {
    const user = userEvent.setup();
    const client = new FakeClient();
    window.location.hash = '#calls';
    render(<App client={client} />);
    await screen.findByText('Line ready');
    act(() => {
      client.emit({ type: 'line', lineId: 'desk-12', status: { state: 'ready', detail: 'registered at pbx:5060' } });
      client.emit({ type: 'line', lineId: 'demo', status: { state: 'failed', detail: '401 from registrar' } });
    });
    const list = screen.getByRole('list', { name: 'Lines' });
    expect([...list.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'desk-12: Line ready — registered at pbx:5060',
      'demo: Line failed — 401 from registrar',
    ]);

    await user.type(screen.getByLabelText('Number or SIP address'), '555');
    await user.selectOptions(screen.getByLabelText('Line'), 'demo');
    await user.click(screen.getByRole('button', { name: 'Call' }));
    expect(client.commands).toEqual([{ action: 'make_call', target: '555', force: false, line: 'demo' }]);
  });

  it('has no line picker with one line, and says which fields wait for a restart', async () => {
    const user = userEvent.setup();
    const client = new FakeClient();
    client.restartFields = ['inbound.port', 'lines[0].registrar'];
    render(<InboundPage client={client} />);
    await user.click(await screen.findByRole('switch', { name: 'Enable Inbound Action URLs' }));
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect((await screen.findByText(/Settings applied/)).textContent).toContain(
      'The running instance cannot apply inbound.port, lines[0].registrar: these take effect after a restart.',
    );
    expect(screen.queryByLabelText('Line')).toBeNull();
  });
});

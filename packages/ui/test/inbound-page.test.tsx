import { render, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ClientError } from '../src/client/client-error.js';
import { InboundPage } from '../src/pages/inbound/inbound-page.js';
import { FakeClient } from './support/fake-client.js';

describe('InboundPage', () => {
  it('edits the listener, its actions and lists, then applies', async () => {
    const user = userEvent.setup();
    const client = new FakeClient();
    render(<InboundPage client={client} />);
    await user.click(await screen.findByRole('switch', { name: 'Enable Inbound Action URLs' }));
    await user.click(screen.getByRole('switch', { name: 'Enable Inbound Action-URL "make_call"' }));
    const port = screen.getByRole('spinbutton', { name: 'TCP Port for receiving inbound Action URLs' });
    await user.clear(port);
    await user.type(port, '8080');
    await user.type(screen.getByRole('textbox', { name: 'Allowed origins' }), 'https://crm.example.com');
    expect(screen.getByText('http://127.0.0.1:8080/?action=make_call&target=123')).toBeTruthy();
    expect(screen.getByText('http://[::1]:8080/?action=make_call&target=123')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await screen.findByText(/Settings applied/);
    expect(client.saved.at(-1)?.inbound).toMatchObject({ enabled: true, port: 8080, actions: { make_call: true }, allowOrigins: ['https://crm.example.com'] });
  });

  it('generates, shows and regenerates the token', async () => {
    const user = userEvent.setup();
    render(<InboundPage client={new FakeClient()} />);
    await user.click(await screen.findByRole('button', { name: 'Generate token' }));
    const field = screen.getByLabelText('Token') as HTMLInputElement;
    const first = field.value;
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(field.type).toBe('password');
    await user.click(screen.getByRole('button', { name: 'Show' }));
    expect(field.type).toBe('text');
    await user.click(screen.getByRole('button', { name: 'Regenerate' }));
    await waitFor(() => expect(field.value).not.toBe(first));
    expect(screen.getByRole('button', { name: 'Copy token' })).toBeTruthy();
  });

  it('shows what the engine refused next to the field it names, for screen readers too', async () => {
    const user = userEvent.setup();
    const client = new FakeClient();
    client.saveError = new ClientError('invalid_settings', 'invalid settings', [
      { path: 'inbound.allowFrom[1]', message: 'write an address or CIDR range such as 10.0.0.0/8' },
      { path: 'inbound.port', message: 'port must be 1–65535' },
    ]);
    render(<InboundPage client={client} />);
    const allowFrom = await screen.findByRole('textbox', { name: 'Allowed addresses' });
    expect(allowFrom.getAttribute('aria-invalid')).toBe('false');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(allowFrom.getAttribute('aria-invalid')).toBe('true'));
    expect(describedBy(allowFrom)).toContain('write an address or CIDR range such as 10.0.0.0/8');
    const port = screen.getByRole('spinbutton', { name: 'TCP Port for receiving inbound Action URLs' });
    expect(port.getAttribute('aria-invalid')).toBe('true');
    expect(describedBy(port)).toBe('port must be 1–65535');
    expect(screen.getByRole('textbox', { name: 'Allowed origins' }).getAttribute('aria-invalid')).toBe('false');
  });
});

function describedBy(element: HTMLElement): string {
  const ids = (element.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
}

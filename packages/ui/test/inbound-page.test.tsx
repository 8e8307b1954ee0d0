import { render, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { loadSettings } from '@callhook/core';
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

  it('never prints a stored token: "set" with Replace and Remove, <your token> in the URLs until asked', async () => {
    const user = userEvent.setup();
    const client = new FakeClient();
    const stored = 'stored-inbound-token-0123456789';
    client.settings = loadSettings({ inbound: { enabled: true, token: stored, actions: { make_call: true }, listen: ['127.0.0.1'] } }).settings;
    client.token = stored;
    const { container } = render(<InboundPage client={client} />);
    await screen.findByText('set');
    expect(container.innerHTML).not.toContain(stored);
    expect(screen.queryByLabelText('Token')).toBeNull();
    expect(screen.getByText('http://127.0.0.1:61234/?action=make_call&target=123&token=<your token>')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Show token in URLs' }));
    expect(screen.getByText(`http://127.0.0.1:61234/?action=make_call&target=123&token=${stored}`)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Hide token in URLs' }));
    expect(container.innerHTML).not.toContain(stored);

    // Applying another section's change sends the marker back and keeps the token.
    await user.click(screen.getByRole('switch', { name: 'Enable Inbound Action-URL "hangup"' }));
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await screen.findByText(/Settings applied/);
    expect(client.saved.at(-1)?.inbound?.token).toEqual({ set: true });
    expect(client.settings.inbound.token).toBe(stored);

    await user.click(screen.getByRole('button', { name: 'Replace token' }));
    const fresh = (screen.getByLabelText('Token') as HTMLInputElement).value;
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await user.click(screen.getByRole('button', { name: 'Remove token' }));
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(client.settings.inbound.token).toBeNull());
  });

  it('cannot show the token in the URLs when it knows none (desktop, not signed in)', async () => {
    const client = new FakeClient();
    client.settings = loadSettings({ inbound: { token: 'stored-inbound-token-0123456789', actions: { hangup: true } } }).settings;
    render(<InboundPage client={client} />);
    expect(((await screen.findByRole('button', { name: 'Show token in URLs' })) as HTMLButtonElement).disabled).toBe(true);
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

import { render, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { loadSettings, SettingsSchema } from '@callhook/core';
import { describe, expect, it } from 'vitest';
import { ClientError } from '../src/client/client-error.js';
import { ActionUrlsPage } from '../src/pages/action-urls/action-urls-page.js';
import { FakeClient } from './support/fake-client.js';

const urlField = (label = 'Incoming call - Enter your Action URL') => screen.getByRole('combobox', { name: label });

describe('ActionUrlsPage', () => {
  it('shows the spec dialog: the switch and five slots with their events', async () => {
    render(<ActionUrlsPage client={new FakeClient()} />);
    await screen.findByRole('switch', { name: 'Enable Action URLs' });
    for (const label of ['Incoming call', 'Outgoing call', 'Connected call', 'Hold call', 'Hangup call']) {
      expect(urlField(`${label} - Enter your Action URL`)).toBeTruthy();
    }
    expect(screen.getAllByRole('checkbox', { name: 'Activate this Action URL' })).toHaveLength(5);
    expect(screen.getAllByRole('checkbox', { name: 'Show this Action URL in your standard web browser' })).toHaveLength(5);
  });

  it('previews the URL against the sample call as it is typed', async () => {
    const user = userEvent.setup();
    render(<ActionUrlsPage client={new FakeClient()} />);
    await user.type(await screen.findByRole('combobox', { name: /Incoming call/ }), 'http://crm/c?from=<$remote_party>&n=<$remote_alias>');
    expect(screen.getByText('http://crm/c?from=420&n=%22Michael%20D785%22%20(420)')).toBeTruthy();
  });

  it('completes placeholders from the keyboard', async () => {
    const user = userEvent.setup();
    render(<ActionUrlsPage client={new FakeClient()} />);
    const field = await screen.findByRole('combobox', { name: /Incoming call/ });
    await user.type(field, 'http://crm/c?g=<$call_g');
    expect(field.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByRole('option', { name: /<\$call_guid>/ }).getAttribute('aria-selected')).toBe('true');
    await user.keyboard('{Enter}');
    expect((field as HTMLInputElement).value).toBe('http://crm/c?g=<$call_guid>');
    expect(field.getAttribute('aria-expanded')).toBe('false');
  });

  it('marks an invalid template at its offset and keeps the error next to the field', async () => {
    const user = userEvent.setup();
    render(<ActionUrlsPage client={new FakeClient()} />);
    const field = await screen.findByRole('combobox', { name: /Incoming call/ });
    await user.type(field, 'http://crm/c?x=<$nope>');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toMatch(/Error at position 16: .*nope/);
    expect(screen.getByRole('button', { name: 'Test Action URL 1' })).toHaveProperty('disabled', true);
  });

  it('applies the dialog keeping each slot in its place, and discards back to the saved state', async () => {
    const user = userEvent.setup();
    const client = new FakeClient();
    render(<ActionUrlsPage client={client} />);
    await user.click(await screen.findByRole('switch', { name: 'Enable Action URLs' }));
    await user.type(urlField('Connected call - Enter your Action URL'), 'http://crm/connected');
    await user.click(screen.getAllByRole('checkbox', { name: 'Activate this Action URL' })[2]!);
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await screen.findByText('Settings applied.');
    expect(client.saved.at(-1)?.actionUrls).toMatchObject({
      enabled: true,
      slots: [
        { url: '', active: false },
        { url: '', active: false },
        { on: 'connected', url: 'http://crm/connected', active: true },
      ],
    });
    expect(client.saved.at(-1)?.actionUrls?.slots).toHaveLength(3);

    await user.type(urlField('Hold call - Enter your Action URL'), 'http://crm/hold');
    await user.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect((urlField('Hold call - Enter your Action URL') as HTMLInputElement).value).toBe('');
  });

  it('lists every field the engine refused', async () => {
    const user = userEvent.setup();
    const client = new FakeClient();
    client.saveError = new ClientError('invalid_settings', 'invalid', [{ path: 'actionUrls.slots[0].url', message: 'unknown placeholder' }]);
    render(<ActionUrlsPage client={client} />);
    await user.click(await screen.findByRole('button', { name: 'Apply' }));
    expect((await screen.findByText('actionUrls.slots[0].url')).parentElement?.textContent).toContain('unknown placeholder');
  });

  it('tests a slot once against the sample call and shows the result', async () => {
    const user = userEvent.setup();
    const client = new FakeClient();
    render(<ActionUrlsPage client={client} />);
    await user.type(await screen.findByRole('combobox', { name: /Incoming call/ }), 'http://crm/t');
    await user.click(screen.getByRole('button', { name: 'Test Action URL 1' }));
    await screen.findByText('Test: delivered HTTP 200 in 12 ms');
    expect(client.tests).toMatchObject([{ action: 'inbound', slot: { url: 'http://crm/t' }, call: { remoteParty: '420' } }]);
  });

  it('deletes a stored Action URL', async () => {
    const user = userEvent.setup();
    const client = new FakeClient();
    client.settings = SettingsSchema.parse({ actionUrls: { enabled: true, slots: [{ on: 'inbound', url: 'http://crm/in', active: true }] } });
    render(<ActionUrlsPage client={client} />);
    await user.click(await screen.findByRole('button', { name: 'Delete Action URL 1' }));
    expect((urlField() as HTMLInputElement).value).toBe('');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await screen.findByText('Settings applied.');
    expect(client.saved.at(-1)?.actionUrls?.slots).toEqual([]);
  });

  it('shows the stored secrets of a slot as set, keeps them on Apply, and replaces or removes them on request', async () => {
    const user = userEvent.setup();
    const client = new FakeClient();
    client.settings = loadSettings({
      actionUrls: {
        enabled: true,
        slots: [
          { on: 'inbound', url: 'http://crm/in', headers: { Authorization: 'Bearer stored-bearer', Accept: 'text/plain' }, secret: 'stored-signing-secret-01' },
        ],
      },
    }).settings;
    const { container } = render(<ActionUrlsPage client={client} />);
    const secrets = await screen.findByRole('group', { name: 'Secrets of Action URL 1' });
    expect(secrets.textContent).toContain('Authorization header: set');
    expect(secrets.textContent).toContain('signing secret: set');
    expect(container.innerHTML).not.toMatch(/stored-bearer|stored-signing/);

    await user.click(screen.getByRole('button', { name: 'Test Action URL 1' }));
    await screen.findByText('Test: delivered HTTP 200 in 12 ms');
    expect(client.tests[0]).toMatchObject({ index: 0, slot: { headers: { Authorization: { set: true } }, secret: { set: true } } });

    await user.type(urlField(), '?x=1');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await screen.findByText('Settings applied.');
    expect(client.settings.actionUrls.slots[0]).toMatchObject({
      url: 'http://crm/in?x=1',
      headers: { Authorization: 'Bearer stored-bearer' },
      secret: 'stored-signing-secret-01',
    });

    await user.click(screen.getByRole('button', { name: 'Replace Authorization header' }));
    await user.type(screen.getByLabelText('New Authorization header'), 'Bearer typed-anew');
    await user.click(screen.getByRole('button', { name: 'Remove signing secret' }));
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(client.settings.actionUrls.slots[0]!.secret).toBeNull());
    expect(client.settings.actionUrls.slots[0]!.headers).toEqual({ Authorization: 'Bearer typed-anew', Accept: 'text/plain' });
    // Applied: the engine answers the marker again and the field says "set", without the value.
    await waitFor(() => expect(screen.getByRole('group', { name: 'Secrets of Action URL 1' }).textContent).toContain('Authorization header: set'));
    expect(screen.queryByLabelText('New Authorization header')).toBeNull();
    expect(container.innerHTML).not.toContain('typed-anew');
    expect(screen.getByRole('group', { name: 'Secrets of Action URL 1' }).textContent).not.toContain('signing secret');
  });
});

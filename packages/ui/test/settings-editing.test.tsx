import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PLACEHOLDERS } from '@callhook/core';
import { App } from '../src/app/app.js';
import { ActionUrlsPage } from '../src/pages/action-urls/action-urls-page.js';
import { exampleValue } from '../src/pages/action-urls/placeholder-table.js';
import { confirmLeave, hasUnsavedEdits } from '../src/state/unsaved-guard.js';
import { savedMessage } from '../src/state/use-settings-section.js';
import { FakeClient } from './support/fake-client.js';

afterEach(() => vi.restoreAllMocks());

describe("a slot's delivery options", () => {
  it('edits method, timeout, retries, headers and the signing secret, and applies them', async () => {
    const user = userEvent.setup();
    const client = new FakeClient();
    render(<ActionUrlsPage client={client} />);
    await user.click(await screen.findByRole('switch', { name: 'Enable Action URLs' }));
    await user.type(screen.getByRole('combobox', { name: 'Incoming call - Enter your Action URL' }), 'http://crm/in');
    await user.click(screen.getAllByRole('checkbox', { name: 'Activate this Action URL' })[0]!);
    const options = screen.getByText('Delivery options of Action URL 1').closest('details')!;
    const field = (label: string) => within(options).getByLabelText(label);
    await user.selectOptions(field('Method'), 'POST');
    await user.clear(field('Timeout (ms)'));
    await user.type(field('Timeout (ms)'), '8000');
    // A new slot retries 8 times, 1 s doubling to 60 s, and says what that means.
    expect((field('Retries') as HTMLInputElement).value).toBe('8');
    expect((field('Longest wait between retries (ms)') as HTMLInputElement).value).toBe('60000');
    expect(options.textContent).toContain(
      'Retries after 1 s, 2 s, 4 s, 8 s, 16 s, 32 s, 60 s, 60 s (each ±20 %): the last about 3.1 min after the first failure.',
    );
    await user.clear(field('Retries'));
    expect(field('Retries')).toHaveProperty('placeholder', '8 (default)');
    await user.type(field('Retries'), '0');
    expect(options.textContent).toContain('No retries: one failed attempt is final.');
    await user.clear(field('Retries'));
    await user.type(field('Retries'), '3');
    await user.clear(field('First retry after (ms, doubling)'));
    await user.type(field('First retry after (ms, doubling)'), '2000');
    expect(options.textContent).toContain('Retries after 2 s, 4 s, 8 s (each ±20 %): the last about 14 s after the first failure.');
    await user.type(field('New header'), 'X-Crm');
    await user.type(field('Value of the new header'), 'desk 12');
    await user.click(within(options).getByRole('button', { name: 'Add header' }));
    await user.type(field('New header'), 'X-Api-Key');
    await user.type(field('Value of the new header'), 'key-typed-once');
    await user.click(within(options).getByRole('button', { name: 'Add header' }));
    await user.click(within(options).getByRole('button', { name: 'Add signing secret' }));
    await user.type(field('New signing secret'), 'a-signing-secret-of-length');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(document.querySelector('.apply-bar [role=status]')?.textContent).toBe('Settings applied.'));
    expect(client.settings.actionUrls.slots[0]).toMatchObject({
      url: 'http://crm/in',
      method: 'POST',
      timeoutMs: 8000,
      retries: { max: 3, backoffMs: 2000, maxBackoffMs: 60000 },
      headers: { 'X-Crm': 'desk 12', 'X-Api-Key': 'key-typed-once' },
      secret: 'a-signing-secret-of-length',
    });
    // Write-only after Apply: the key header and the secret read "set", the plain header stays editable.
    const secrets = await screen.findByRole('group', { name: 'Secrets of Action URL 1' });
    expect(secrets.textContent).toContain('X-Api-Key header: set');
    expect(secrets.textContent).toContain('signing secret: set');
    expect((within(options).getByLabelText('X-Crm') as HTMLInputElement).value).toBe('desk 12');
    expect(document.body.textContent).not.toContain('key-typed-once');
  });
});

describe('the placeholder table', () => {
  it("lists every placeholder with its meaning and the example call's value", async () => {
    render(<ActionUrlsPage client={new FakeClient()} />);
    const table = (await screen.findByText('URL placeholders')).closest('details')!;
    const row = within(table).getByRole('row', { name: /<\$remote_alias>/ });
    expect(row.textContent).toContain('display name of the remote party');
    expect(row.textContent).toContain('"Michael D785" (420)');
    // One row per placeholder core knows (a header row above them), media's included.
    expect(within(table).getAllByRole('row')).toHaveLength(1 + PLACEHOLDERS.length);
    expect(within(table).getByRole('row', { name: /<\$call_mos>/ }).textContent).toMatch(/MOS|quality/i);
    expect(exampleValue('call_disposition')).toBe('answered');
    expect(exampleValue('call_created_time')).toBe('2022-02-13T17-43-50');
  });
});

describe('unsaved edits', () => {
  it('are never lost silently: leaving the tab asks, switching pages asks and staying keeps the edit', async () => {
    const user = userEvent.setup();
    const client = new FakeClient();
    window.location.hash = '#action-urls';
    render(<App client={client} />);
    const url = await screen.findByRole('combobox', { name: 'Incoming call - Enter your Action URL' });
    await user.type(url, 'http://crm/unsaved');
    expect(hasUnsavedEdits()).toBe(true);
    expect(fireEvent(window, new Event('beforeunload', { cancelable: true }))).toBe(false);

    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(false);
    act(() => {
      window.location.hash = '#calls';
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    expect(confirm).toHaveBeenCalledWith(expect.stringMatching(/not applied/));
    expect((screen.getByRole('combobox', { name: 'Incoming call - Enter your Action URL' }) as HTMLInputElement).value).toBe('http://crm/unsaved');
    expect(window.location.hash).toBe('#action-urls');

    confirm.mockReturnValue(true);
    act(() => {
      window.location.hash = '#calls';
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    await screen.findByRole('heading', { name: 'Calls', level: 1 });
    await waitFor(() => expect(hasUnsavedEdits()).toBe(false));
    expect(confirmLeave(() => false)).toBe(true);
  });
});

describe('what Apply says', () => {
  it('names the fields waiting for a restart, and says when the instance has no settings file', () => {
    expect(savedMessage({ restartRequired: false, restartFields: [], persisted: true })).toBe('Settings applied.');
    expect(savedMessage({ restartRequired: true, restartFields: ['inbound.port'], persisted: true })).toBe(
      'Settings applied. The running instance cannot apply inbound.port: these take effect after a restart.',
    );
    expect(savedMessage({ restartRequired: true, restartFields: ['inbound.port'], persisted: false })).toMatch(
      /cannot apply inbound\.port.*no settings file \(the demo\), so a restart starts from its defaults/,
    );
    expect(savedMessage({ restartRequired: false, restartFields: [], persisted: false })).toMatch(/lasts until it stops/);
  });
});

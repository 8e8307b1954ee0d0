import { render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { maskSettings, SettingsSchema, type LineSettings, type MaskedSettings, type MaskedSettingsInput } from '@callhook/core';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ClientError, type ClientIssue } from '../src/client/client-error.js';
import type { LineReport, LineSetup, LineType } from '../src/client/engine-client.js';
import { LinesPage, offersSetup } from '../src/pages/lines/lines-page.js';
import { FakeClient } from './support/fake-client.js';

const schemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

/** The deskphone line type as the engine publishes it (the fields of @callhook/phones' DeskPhoneLineSchema). */
const DESK_PHONE: LineType = {
  type: 'deskphone',
  secrets: ['password'],
  setup: true,
  schema: schemaOf(
    z.strictObject({
      type: z.literal('deskphone'),
      vendor: z.enum(['snom', 'yealink', 'grandstream']),
      protocol: z.enum(['http', 'csta']).default('http'),
      url: z.string().describe('the phone\'s web address, e.g. "http://192.0.2.10"'),
      username: z.string().default('admin'),
      password: z.string().default(''),
      account: z.string(),
      callback: z.strictObject({ listen: z.string().min(1), port: z.number().int().min(1).max(65535), url: z.string() }).optional(),
      provision: z.boolean().default(false),
    }),
  ),
};

const DESK_12 = {
  id: 'desk-12',
  type: 'deskphone',
  vendor: 'snom',
  protocol: 'http',
  url: 'http://192.0.2.10',
  username: 'admin',
  password: { set: true },
  account: '987@example.com',
  callback: { listen: '0.0.0.0', port: 61235, url: 'http://192.0.2.5:61235' },
  provision: false,
} as unknown as LineSettings;

const SETUP_TEXT = [
  'Desk phone line "desk-12": snom at http://192.0.2.10, account 987@example.com',
  '',
  'Event URLs (setting = value):',
  '  action_incoming_url = http://192.0.2.5:61235/phone/s3cr3t/incoming?remote=$remote',
  '',
].join('\n');

/**
 * An engine with one desk-phone line, `desk-12`: it stores what Apply sends (unless `refuse` names
 * bad fields), lists the running lines with their status and answers the setup text of running
 * desk-phone lines only, as the deskphone plugin's route does.
 */
class DeskPhoneClient extends FakeClient {
  stored: MaskedSettings = { ...maskSettings(SettingsSchema.parse({})), lines: [DESK_12] };
  refuse: ClientIssue[] = [];
  running: LineReport[] = [{ id: 'desk-12', type: 'deskphone', status: { state: 'ready', detail: 'the snom phone answers' }, setup: true }];
  setupAsked: string[] = [];

  override async getSettings() {
    return structuredClone(this.stored);
  }
  override async saveSettings(settings: MaskedSettingsInput) {
    this.saved.push(structuredClone(settings));
    if (this.refuse.length > 0) throw new ClientError('invalid_settings', 'invalid settings', this.refuse, 400);
    this.stored = structuredClone(settings) as MaskedSettings;
    return { settings: structuredClone(this.stored), restartRequired: false, restartFields: [] };
  }
  async getLineTypes(): Promise<LineType[]> {
    return [DESK_PHONE];
  }
  async getLines(): Promise<LineReport[]> {
    return structuredClone(this.running);
  }
  async getLineSetup(lineId: string): Promise<LineSetup> {
    this.setupAsked.push(lineId);
    if (!this.running.some((l) => l.id === lineId && l.type === 'deskphone'))
      throw new ClientError('no_such_line', `no desk-phone line "${lineId}"; desk-phone lines: desk-12`, [], 404);
    return { line: lineId, vendor: 'snom', text: SETUP_TEXT };
  }
}

describe('Lines page with a desk phone', () => {
  it("adds a desk-phone line with its callback as named fields, and shows each refused field's fix beside it", async () => {
    const user = userEvent.setup();
    const client = new DeskPhoneClient();
    render(<LinesPage client={client} />);
    await screen.findByRole('group', { name: 'Line desk-12 (deskphone)' });
    await user.click(screen.getByRole('button', { name: 'Add line' }));
    const line = await screen.findByRole('group', { name: 'Line line-2 (deskphone)' });
    expect(within(line).getByText('Not running: Apply to start this line.')).toBeTruthy();
    await user.selectOptions(within(line).getByLabelText(/^vendor/), 'yealink');
    await user.type(within(line).getByLabelText(/^url/), 'http://192.0.2.11');
    expect(within(line).getByText('the phone\'s web address, e.g. "http://192.0.2.10"')).toBeTruthy();
    await user.type(within(line).getByLabelText(/^account/), '988@example.com');
    await user.type(within(line).getByLabelText('New password'), 'pw');
    const callback = within(line).getByRole('group', { name: 'callback' });
    await user.type(within(callback).getByLabelText(/^callback\.listen/), '0.0.0.0');
    await user.type(within(callback).getByLabelText(/^callback\.port/), '61236');
    await user.type(within(callback).getByLabelText(/^callback\.url/), '192.0.2.5:61236');

    const fix = 'callback.url is http://HOST:PORT with no path, e.g. "http://192.0.2.5:61235" (phones call plain http)';
    client.refuse = [{ path: 'lines[1].callback.url', message: fix }];
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    const url = within(callback).getByLabelText(/^callback\.url/);
    await waitFor(() => expect(url.getAttribute('aria-invalid')).toBe('true'));
    const described = url.getAttribute('aria-describedby')!;
    expect(document.getElementById(described)?.textContent).toBe(fix);
    // The other fields were not refused.
    expect(
      within(callback)
        .getByLabelText(/^callback\.port/)
        .getAttribute('aria-invalid'),
    ).toBeNull();

    client.refuse = [];
    await user.clear(url);
    await user.type(url, 'http://192.0.2.5:61236');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await screen.findByText('Settings applied.');
    expect(client.stored.lines[1]).toEqual({
      id: 'line-2',
      type: 'deskphone',
      vendor: 'yealink',
      protocol: 'http',
      url: 'http://192.0.2.11',
      username: 'admin',
      password: 'pw',
      account: '988@example.com',
      callback: { listen: '0.0.0.0', port: 61236, url: 'http://192.0.2.5:61236' },
      provision: false,
    });
    expect(within(line).queryByText(fix)).toBeNull();
  });

  it("shows each line's status with the fix the engine names, and follows the live status", async () => {
    const client = new DeskPhoneClient();
    const detail = "401 from the phone: check the line's username and password (the phone's web admin login); retrying in 5 s";
    client.running = [{ id: 'desk-12', type: 'deskphone', status: { state: 'failed', detail }, setup: true }];
    const { rerender } = render(<LinesPage client={client} />);
    const line = await screen.findByRole('group', { name: 'Line desk-12 (deskphone)' });
    const status = await within(line).findByText(/^Status:/);
    expect(status.textContent).toBe(`Status: Phone check failed — ${detail}`);

    rerender(<LinesPage client={client} live={[{ id: 'desk-12', status: { state: 'unregistered', detail: "connect ECONNREFUSED: check the line's url" } }]} />);
    expect(within(line).getByText(/^Status:/).textContent).toBe("Status: Phone not reachable — connect ECONNREFUSED: check the line's url");
    rerender(<LinesPage client={client} live={[{ id: 'desk-12', status: { state: 'ready', detail: 'the snom phone answers' } }]} />);
    expect(within(line).getByText(/^Status:/).textContent).toBe('Status: Phone ready — the snom phone answers');
  });

  it('"Set up phone" shows the setup text of a running desk-phone line, copyable', async () => {
    const user = userEvent.setup();
    const client = new DeskPhoneClient();
    render(<LinesPage client={client} />);
    const line = await screen.findByRole('group', { name: 'Line desk-12 (deskphone)' });
    await user.click(within(line).getByRole('button', { name: 'Set up phone' }));
    const setup = await within(line).findByRole('region', { name: 'Phone setup for line desk-12' });
    expect(client.setupAsked).toEqual(['desk-12']);
    expect(setup.querySelector('pre')?.textContent).toBe(SETUP_TEXT);
    expect(within(setup).getByText(/share them only with the phone's administrator/)).toBeTruthy();
    await user.click(within(setup).getByRole('button', { name: 'Copy the setup text of line desk-12' }));
    await within(setup).findByText('Copied');
    await expect(navigator.clipboard.readText()).resolves.toBe(SETUP_TEXT);
    await user.click(within(line).getByRole('button', { name: 'Hide setup text' }));
    expect(within(line).queryByRole('region')).toBeNull();

    // A text shown before an Apply may be stale (a new password changes the event URLs): Apply closes it.
    await user.click(within(line).getByRole('button', { name: 'Set up phone' }));
    await within(line).findByRole('region', { name: 'Phone setup for line desk-12' });
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await screen.findByText('Settings applied.');
    await waitFor(() => expect(within(line).queryByRole('region')).toBeNull());
  });

  it('offers "Set up phone" where the engine reports setup text for a line, not by the line type\'s name', async () => {
    const client = new DeskPhoneClient();
    // A line type of another name whose plugin gives setup text, and a "deskphone" line the engine says has none.
    const kiosk: LineType = { ...DESK_PHONE, type: 'kiosk', schema: { ...DESK_PHONE.schema, properties: {} } };
    client.getLineTypes = async () => [DESK_PHONE, kiosk];
    client.stored = { ...client.stored, lines: [DESK_12, { id: 'front', type: 'kiosk' } as unknown as LineSettings] };
    client.running = [
      { id: 'desk-12', type: 'deskphone', status: { state: 'ready', detail: 'the snom phone answers' }, setup: false },
      { id: 'front', type: 'kiosk', status: { state: 'ready', detail: 'kiosk up' }, setup: true },
    ];
    render(<LinesPage client={client} />);
    const front = await screen.findByRole('group', { name: 'Line front (kiosk)' });
    await within(front).findByText(/^Status:/);
    expect(within(front).getByRole('button', { name: 'Set up phone' })).toBeTruthy();
    const desk = screen.getByRole('group', { name: 'Line desk-12 (deskphone)' });
    expect(within(desk).queryByRole('button', { name: 'Set up phone' })).toBeNull();
    expect(offersSetup(null, kiosk)).toBe(true);
    expect(offersSetup(null, { setup: false })).toBe(false);
    expect(offersSetup({ setup: false }, kiosk)).toBe(false);
  });

  it('"Set up phone" on a line not applied yet says to apply it first', async () => {
    const user = userEvent.setup();
    const client = new DeskPhoneClient();
    render(<LinesPage client={client} />);
    await screen.findByRole('group', { name: 'Line desk-12 (deskphone)' });
    await user.click(screen.getByRole('button', { name: 'Add line' }));
    const line = await screen.findByRole('group', { name: 'Line line-2 (deskphone)' });
    await user.click(within(line).getByRole('button', { name: 'Set up phone' }));
    expect((await within(line).findByRole('alert')).textContent).toBe('Line line-2 is not running yet. Apply it first, then set up the phone.');
    expect(within(line).queryByRole('region')).toBeNull();
  });
});
